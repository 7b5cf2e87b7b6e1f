"""The rules on the data relations carry that dataflow.py reports.

Each judges the classification a relation carries, as
`sensitivity.relation_classification` gives it (see the "Data
classification" section of the rules reference).
"""

from __future__ import annotations

from ..examples import Example, File
from ..findings import E, Rule, W, declare

# A lake of call data, which the examples read and write.
CALL_LAKE = """\
kind: datalake
id: call-lake
engine: delta
datasets:
  - id: transcripts
    classification: confidential
  - id: sentiment
    classification: internal
"""

UNAPPROVED_DATA = Rule(
    "unapproved-data",
    E,
    "data sent to or handled by a vendor above its approved classification",
    "data",
    doc="""
A relation that carries data above a vendor's `approved-data`, whichever end
of it the vendor is: a relation to the vendor (what our elements send it),
or one of the vendor's own `uses` (what it reads, writes, calls or
publishes: the vendor holds that data either way). What a relation carries
is its `data`, else the classification of its dataset, else, for a data
lake named without `dataset`, the lake's highest (see
[Classification of a relation](format.md#classification-of-a-relation)).
A vendor without `approved-data`, or a relation whose classification is not
known, is not checked.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/transcription.yaml",
                    """\
kind: vendor
id: speech-to-text
provider: gcp
approved-data: internal
---
kind: service
id: call-transcriber
uses:
  - to: speech-to-text
    as: calls
    data: confidential
""",
                ),
            ),
            output="""\
architecture/transcription.yaml:11:11: error[unapproved-data]: confidential data is sent to 'speech-to-text', which is approved for internal data at most
    hint: send less sensitive data, or have the vendor approved for it
2 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="""
The same limit applies to what the vendor itself reads or writes. A vendor
that `reads` a dataset receives its data; one that reads a data lake
without naming a dataset may read any of them, and is judged by the most
sensitive; one that writes `data: restricted` into a store holds
restricted data.
""",
            files=(
                File(
                    "architecture/reporting.yaml",
                    CALL_LAKE
                    + """\
  - id: trades
    classification: restricted
---
kind: datastore
id: reporting-db
engine: postgres
---
kind: vendor
id: tableau-cloud
provider: tableau
approved-data: internal
uses:
  - to: call-lake
    as: reads
    dataset: trades
  - to: call-lake
    as: reads
  - to: reporting-db
    as: writes
    data: restricted
""",
                ),
            ),
            output="""\
architecture/reporting.yaml:23:14: error[unapproved-data]: 'tableau-cloud' reads restricted dataset 'trades', and is approved for internal data at most
    hint: read a less sensitive dataset, or have the vendor approved for it
architecture/reporting.yaml:24:9: error[unapproved-data]: 'tableau-cloud' reads 'call-lake' without naming a dataset: the relation carries the lake's highest classification, restricted (dataset 'trades'), and 'tableau-cloud' is approved for internal data at most
    hint: name the dataset with 'dataset:', one classified internal at most, or have the vendor approved for restricted data
architecture/reporting.yaml:28:11: error[unapproved-data]: 'tableau-cloud' writes restricted data to 'reporting-db', and is approved for internal data at most
    hint: have the vendor handle less sensitive data, or have it approved for restricted data
3 elements in 1 file: 3 errors, 0 warnings
""",
        ),
    ),
)

UNDERSTATED_DATA = Rule(
    "understated-data",
    E,
    "a relation whose data is below the dataset it reads or writes",
    "data",
    doc="""
A relation to a data lake whose `data` is below the classification of the
dataset it names: reading the dataset gives its data, and what is written
into it is held at its classification. The finding names the dataset and
both classifications. A relation without `data` takes the dataset's
classification and understates nothing; so does a dataset without
`classification`.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/lake.yaml",
                    CALL_LAKE
                    + """\
---
kind: service
id: call-transcriber
uses:
  - to: call-lake
    as: writes
    dataset: transcripts
    data: internal
---
kind: service
id: transcript-search
uses:
  - to: call-lake
    as: reads
    dataset: transcripts
""",
                ),
            ),
            output="""\
architecture/lake.yaml:16:11: error[understated-data]: 'data: internal' understates dataset 'transcripts' of 'call-lake', which is classified confidential
    hint: declare 'data: confidential', or leave 'data' out: the relation then takes the dataset's classification
3 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

WRITE_ABOVE_DATASET = Rule(
    "write-above-dataset",
    E,
    "data written into a dataset classified below it",
    "data",
    doc="""
A relation that `writes` data classified above the dataset it names: the
dataset would hold data more sensitive than its classification says, and
its readers would receive it unchecked. A write that names no dataset is
an error when its `data` is above every dataset of the lake (and every one
declares a `classification`): it fits in none of them.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/lake.yaml",
                    CALL_LAKE
                    + """\
---
kind: service
id: sentiment-model
uses:
  - to: call-lake
    as: writes
    dataset: sentiment
    data: confidential
---
kind: service
id: trade-archiver
uses:
  - to: call-lake
    as: writes
    data: restricted
""",
                ),
            ),
            output="""\
architecture/lake.yaml:16:11: error[write-above-dataset]: confidential data is written into dataset 'sentiment' of 'call-lake', which is classified internal
    hint: write internal data at most into it, or classify the dataset confidential
architecture/lake.yaml:23:11: error[write-above-dataset]: restricted data is written into 'call-lake', and its most sensitive dataset, 'transcripts', is classified confidential
    hint: name the dataset with 'dataset:' and classify it restricted, or write less sensitive data
3 elements in 1 file: 2 errors, 0 warnings
""",
        ),
    ),
)

DECLASSIFIED_DATA = Rule(
    "declassified-data",
    W,
    "an element that writes data less sensitive than what it reads",
    "data",
    doc="""
An element that takes in data of one classification and writes a dataset
classified below it: unless the element anonymises or aggregates the data,
sensitive data leaks into a less protected dataset. What the element takes
in is the highest classification carried by the relations it `reads`,
`subscribes` to or `queries` (a dataset's classification, a data lake's
highest when the read names no dataset, a datastore relation's `data`) and
by the `calls` other elements make to it. What it writes is the
classification of the dataset it `writes` into, or, for a relation that
names no classified dataset (a datastore, a topic it `publishes` to, a
ledger it `submits` to), the relation's `data`. An element is judged as a
whole: one that reads confidential data for one output and public data for
another warns on the public one; split it in two, or accept the warning.

When the element does make the data less sensitive (anonymised scores,
aggregates), the element accepts the warning with the reason
([Accepting a warning](format.md#accepting-a-warning)). The acceptance
covers all of that element's declassifications.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/lake.yaml",
                    CALL_LAKE
                    + """\
---
kind: service
id: sentiment-model
role: model
uses:
  - to: call-lake
    as: reads
    dataset: transcripts
  - to: call-lake
    as: writes
    dataset: sentiment
""",
                ),
            ),
            output="""\
architecture/lake.yaml:19:14: warning[declassified-data]: 'sentiment-model' reads confidential data from dataset 'transcripts' of 'call-lake', and writes internal dataset 'sentiment' of 'call-lake': confidential data declassified to internal without saying so
    hint: if what it writes is anonymised or aggregated, accept 'declassified-data' on 'sentiment-model' with the reason; otherwise classify 'sentiment' confidential
2 elements in 1 file: 0 errors, 1 warning
""",
        ),
        Example(
            intro="""
The model publishes only a sentiment score per call, with no text or
speaker: the team accepts the warning, with the reason.
""",
            files=(
                File(
                    "architecture/lake.yaml",
                    CALL_LAKE
                    + """\
---
kind: service
id: sentiment-model
role: model
accept:
  - rule: declassified-data
    reason: writes one anonymised score per call, no transcript text or speaker (DPIA-112)
uses:
  - to: call-lake
    as: reads
    dataset: transcripts
  - to: call-lake
    as: writes
    dataset: sentiment
""",
                ),
            ),
            output="2 elements in 1 file: 0 errors, 0 warnings (1 accepted)\n",
        ),
    ),
)

RULES = declare(UNAPPROVED_DATA, UNDERSTATED_DATA, WRITE_ABOVE_DATASET, DECLASSIFIED_DATA)
