"""Chinese names for branches, regions, staff and customers.

Names are drawn from short lists so that the sample reads like a real extract; the
staff and customer names are fictitious combinations, personal data in form only.
"""

from __future__ import annotations

import numpy as np

#: (branch name stem, area type): the stem says what kind of catchment it serves
BRANCH_STEMS: tuple[tuple[str, str], ...] = (
    ("城东", "community"),
    ("人民路", "business"),
    ("高新园区", "park"),
    ("滨江", "community"),
    ("中山路", "business"),
    ("建材市场", "market"),
    ("开发区", "park"),
    ("城西", "community"),
    ("创业园", "startup"),
    ("南郊", "rural"),
    ("解放路", "business"),
    ("花园小区", "community"),
    ("小商品城", "market"),
    ("科技城", "startup"),
    ("北关", "community"),
    ("东湖", "community"),
    ("工业园", "park"),
    ("新城", "business"),
    ("金融街", "business"),
    ("桥头镇", "rural"),
    ("农贸市场", "market"),
    ("大学城", "startup"),
    ("西湖", "community"),
    ("火车站", "business"),
    ("青山镇", "rural"),
)
_ORDINALS = "一二三四五六七八九十"
REGIONS: tuple[str, ...] = ("东城区", "西城区", "南湖区", "北新区", "高新区", "县域")

SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
#: the common surnames are much more common: weights fall off along the list
_SURNAME_WEIGHTS = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.7
_SURNAME_WEIGHTS /= _SURNAME_WEIGHTS.sum()
GIVEN: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩凯晨欣怡佳琪子涵雨婷思睿博文俊慧颖梓轩嘉鑫"
)


def branch_name(index: int) -> tuple[str, str]:
    """Name and area type of the branch at `index` (0-based); later rounds get 第二, 第三 ..."""
    stem, area = BRANCH_STEMS[index % len(BRANCH_STEMS)]
    round_ = index // len(BRANCH_STEMS)
    if round_ == 0:
        return f"{stem}支行", area
    ordinal = _ORDINALS[round_ % 10] if round_ < 10 else str(round_ + 1)
    return f"{stem}第{ordinal}支行", area


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` Chinese full names: a surname and one or two given-name characters."""
    surname = rng.choice(np.array(SURNAMES), size=n, p=_SURNAME_WEIGHTS)
    given = np.array(GIVEN)
    first = rng.choice(given, size=n)
    second = rng.choice(given, size=n)
    two = rng.random(n) < 0.6
    names = np.char.add(surname.astype(str), first.astype(str))
    return np.where(two, np.char.add(names, second.astype(str)), names).astype(object)
