"""The offline proposer: deterministic rewrites lifted from the original's code and checked data.

`proposer` answers step requests. The preparation is lifted by `prepare` (the interpreter of
top-level statements) and its rule mixins: `reads`, `loops`, `statements`, `joins`,
`expressions`, `pandas_statements`, with `pandas`, `accumulate` and `records` for pandas
expressions, per-key accumulators and records, on the patterns of `syntax`. Encoders and labels
are synthesized against the captured X and y by `synthesis/`; `codegen` renders the code.

It may import the oracle, `proposals` (the request and answer types it shares with the model
proposer) and `lester.abstraction`; never the model proposer or the rest of the agent loop.
"""
