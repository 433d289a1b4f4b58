"""The model proposer: prompts rendered from step requests (`prompts`, with `templates/` and the
API reference of `api_reference`), answers sent through `ChatOpenAI` (`proposer`) and the code
parts extracted from them (`code`).

It may import the oracle, `proposals` and `lester` itself (for the API reference, and the sandbox
image's library versions it states); never the lifter or the rest of the agent loop.
"""
