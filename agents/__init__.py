"""The rewrite agent: the LangGraph loop at the top of this package, and its three parts below it.

- The loop (`graph`, `steps`, `state`, `runtime`, `rewrite`, `edit_fork`, `traces`, `trace_view`,
  `studio`, `proposals`) drives one rewrite and records it; it may import every part.
- `oracle/` says what the original does and whether a candidate matches it (`lester analyze` and
  `lester verify` stand on it alone).
- `lifter/` is the offline proposer; `llm/` is the model proposer. Both answer `proposals.StepRequest`.

What each part may import is written in its own `__init__.py` and checked by
`tests/agents/test_layout.py`.
"""
