"""The declarative pipeline abstraction: provenance-tracked frames, stages, runs and deletion."""

from lester.abstraction.encoders import (
    LabelCodes,
    PlainIdfTfidfVectorizer,
    SampleStandardScaler,
    label_codes,
)
from lester.abstraction.errors import (
    LesterError,
    OperationError,
    PipelineDefinitionError,
    SourceError,
    StageError,
)
from lester.abstraction.frame import Frame, from_pandas, union
from lester.abstraction.loading import load_run
from lester.abstraction.pipeline import Pipeline, load_pipeline
from lester.abstraction.run import Run
from lester.abstraction.sources import read_csv, read_json
from lester.abstraction.splits import (
    Split,
    column_split,
    deletion_split,
    head_split,
    no_split,
    permutation_split,
    python_shuffle_split,
    random_split,
    sample_split,
    shuffle_split,
)
from lester.abstraction.stages import encode, label, model, prepare, source, split, step

__all__ = [
    "Frame",
    "LabelCodes",
    "LesterError",
    "OperationError",
    "Pipeline",
    "PipelineDefinitionError",
    "PlainIdfTfidfVectorizer",
    "Run",
    "SampleStandardScaler",
    "SourceError",
    "Split",
    "StageError",
    "column_split",
    "deletion_split",
    "encode",
    "from_pandas",
    "head_split",
    "label",
    "label_codes",
    "load_pipeline",
    "load_run",
    "model",
    "no_split",
    "permutation_split",
    "python_shuffle_split",
    "prepare",
    "random_split",
    "sample_split",
    "shuffle_split",
    "read_csv",
    "read_json",
    "source",
    "split",
    "step",
    "union",
]
