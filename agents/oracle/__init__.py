"""The oracle: what the original script does, and whether a candidate does the same.

`original` reads the original as the Python it runs (a script as it is; a notebook converted by
`notebook`, whose line map names "cell 4, line 2" wherever a line is shown). `analysis` runs the original in the sandbox and adds static facts (`static`, on the
script as it runs: `methods` opens the main guard and inlines methods of script classes, `inline`
inlines reader functions); `equivalence` compares captured matrices (`matching`: levels and
fingerprints; `diagnosis`: the stage at fault and its evidence); `verification` runs a candidate
in the sandbox and combines the form check (`form`) with the comparison; `report_text` renders
the reports for a terminal or a prompt.

It may import `lester.abstraction` and `lester.sandbox`, never the lifter, the model proposer or
the agent loop: `lester analyze` and `lester verify` use it on its own.
"""
