"""Encoder and label synthesis: candidate scikit-learn encoders and label expressions, searched and
checked against the X and y the original trained on (`features`, with `numeric`, `categorical`
and `text` candidates over a `context`; `label`; shared `types`).

Same imports as the lifter it belongs to.
"""
