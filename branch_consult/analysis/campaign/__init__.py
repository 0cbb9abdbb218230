"""Campaign planning and review, one module per subject.

`groups` (who is targeted), `split` (goals down to branches and staff), `media`
(paid-channel funnel and sensitivity), `allocation` (budget across channels),
`options` (option appraisal), `design` (sample size, MDE), `tracking` (rates with
Wilson intervals, sequential boundaries), `uplift` (treatment against control),
`schedule` (phases and weekly milestones); `plan_run` assembles them into the typed
results the report reads.
"""
