"""Fixed wording of handouts and results reports in zh and en (course text comes from the course file)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "overview": "课程概览",
        "course": "课程",
        "audience": "学员对象",
        "duration": "时长",
        "edition": "版本",
        "participant": "学员版",
        "trainer": "讲师版",
        "objectives": "课程目标",
        "materials": "课程物料",
        "days_hours": "{days} 天，每天 {hours} 小时",
        "agenda": "课程日程",
        "timing": "逐分钟时间安排",
        "day": "日",
        "start": "开始",
        "end": "结束",
        "minutes": "分钟",
        "lecture": "讲",
        "segment": "环节",
        "kind": "形式",
        "content": "内容",
        "lecture_title": "第{n}讲　{title}",
        "day_n": "第 {n} 天",
        "break": "休息",
        "objective": "学习目标",
        "key_points": "要点",
        "notes": "笔记",
        "activity_materials": "材料",
        "facilitation": "引导要点",
        "trainer_notes": "讲师提示",
        "quiz": "结业测验",
        "quiz_intro": "共 {n} 题。单选题选一个字母，多选题写出全部正确字母，判断题写 T（对）或 F（错）。",
        "answer_key": "答案与解析",
        "no": "题号",
        "question": "题目",
        "answer": "答案",
        "your_answer": "作答",
        "explanation": "解析",
        "item": "题目编号",
        "section": "对应小节",
        "type": "题型",
        "form": "试卷",
        "quiz_form_note": "试卷 {form}：从题库 {bank} 题中按小节均衡抽取 {n} 题（随机种子 {seed}）。",
        "minutes_suffix": "{n} 分钟",
        "input": "讲授",
        "single": "单选",
        "multiple": "多选",
        "true_false": "判断",
        "exercise": "课堂练习",
        "role_play": "演练",
        "case": "案例分享",
        "discussion": "讨论",
        "video": "视频",
        "true": "对",
        "false": "错",
        "day_col": "日期",
        "field": "项目",
        "detail": "内容",
    },
    "en": {
        "overview": "Course overview",
        "course": "Course",
        "audience": "Audience",
        "duration": "Duration",
        "edition": "Edition",
        "participant": "Participant edition",
        "trainer": "Trainer edition",
        "objectives": "Course objectives",
        "materials": "Materials",
        "days_hours": "{days} day(s), {hours} hours a day",
        "agenda": "Agenda",
        "timing": "Minute-by-minute timing plan",
        "day": "Day",
        "start": "Start",
        "end": "End",
        "minutes": "Min",
        "lecture": "Lecture",
        "segment": "Segment",
        "kind": "Format",
        "content": "Content",
        "lecture_title": "Lecture {n}: {title}",
        "day_n": "Day {n}",
        "break": "Break",
        "objective": "Learning objective",
        "key_points": "Key points",
        "notes": "Notes",
        "activity_materials": "Materials",
        "facilitation": "Facilitation notes",
        "trainer_notes": "Trainer's note",
        "quiz": "End-of-course quiz",
        "quiz_intro": "{n} questions. Single choice: one letter; multiple choice: every correct letter; true/false: T or F.",
        "answer_key": "Answers and explanations",
        "no": "No.",
        "question": "Question",
        "answer": "Answer",
        "your_answer": "Your answer",
        "explanation": "Explanation",
        "item": "Item",
        "section": "Section",
        "type": "Type",
        "form": "Form",
        "quiz_form_note": "Form {form}: {n} items drawn from the {bank}-item bank, balanced across sections (seed {seed}).",
        "minutes_suffix": "{n} min",
        "input": "Input",
        "single": "Single choice",
        "multiple": "Multiple choice",
        "true_false": "True/false",
        "exercise": "Exercise",
        "role_play": "Role play",
        "case": "Case",
        "discussion": "Discussion",
        "video": "Video",
        "true": "True",
        "false": "False",
        "day_col": "Day",
        "field": "Item",
        "detail": "Detail",
    },
}


def word(key: str, lang: str, **values: object) -> str:
    """Fixed wording in `lang` ("zh" or "en"), with {placeholders} filled."""
    text = WORDS["en" if lang == "en" else "zh"][key]
    return text.format(**values) if values else text


_CN_NUMERALS = "零一二三四五六七八九十"


def ordinal(n: int, lang: str) -> str:
    """1 -> 一 (zh, up to 19) or 1 (en)."""
    if lang != "zh":
        return str(n)
    if n <= 10:
        return _CN_NUMERALS[n]
    if n < 20:
        return "十" + _CN_NUMERALS[n - 10]
    return str(n)
