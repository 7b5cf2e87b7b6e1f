"""The rules on flows that flows.py reports."""

from __future__ import annotations

from ..examples import Example, File
from ..findings import E, Rule, W, declare

# The elements every example's flow runs between: a worker that reads
# recordings and calls a long-running speech vendor.
ELEMENTS = File(
    "architecture/elements.yaml",
    """\
kind: service
id: transcriber
uses:
  - to: recordings
    as: reads
  - to: speech
    as: calls
    async: true
---
kind: datastore
id: recordings
---
kind: vendor
id: speech
mode: long-running
latency: p95 4min per hour of audio
""",
)


def _example(flow: str, output: str) -> Example:
    return Example(files=(ELEMENTS, File("architecture/flow.yaml", flow)), output=output)


FLOW_UNKNOWN_PARTICIPANT = Rule(
    "flow-unknown-participant",
    E,
    "a flow names an element that does not exist",
    "flows",
    doc="""
A step's `from` or `to`, a wait's `by` or the trigger's `actor` names an id
that no element has. The message suggests the closest id.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: transcriber
    to: recording
    as: reads
""",
            """\
architecture/flow.yaml:5:9: error[flow-unknown-participant]: no element has the id 'recording' (did you mean 'recordings'?)
    hint: a flow's steps go between elements of the architecture
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

FLOW_UNDECLARED_STEP = Rule(
    "flow-undeclared-step",
    E,
    "a step between two elements that declare no relation",
    "flows",
    doc="""
Every step of a flow stands for a relation declared in `uses`: from the
step's `from` to its `to`, or, for a reply (`reply: true`), from its `to`
to its `from`. A step to itself (work inside one element) needs none.
Declare the relation, or correct the step.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: recordings
    to: speech
    sends: call audio
""",
            """\
architecture/flow.yaml:4:5: error[flow-undeclared-step]: no relation recordings → speech for the step recordings → speech
    hint: declare it in recordings's uses: - to: speech, as: calls
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

FLOW_STEP_VERB = Rule(
    "flow-step-verb",
    E,
    "a step whose verb is not that of its relation",
    "flows",
    doc="""
A step's `as` must say what its relation says: `reads` for a relation that
reads, `calls` for one that calls. A relation without a verb, or a step
without one, matches any; `reads` and `queries` match each other.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: transcriber
    to: recordings
    as: writes
""",
            """\
architecture/flow.yaml:6:9: error[flow-step-verb]: the step transcriber → recordings 'writes', but the relation it stands for says 'reads'
    hint: write as: reads, or declare the relation with the verb the step uses
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

FLOW_AGAINST_RELATION = Rule(
    "flow-against-relation",
    E,
    "a step that runs against its relation without being a reply, event or callback",
    "flows",
    doc="""
A step may run against the direction of its relation in three cases: a
reply to an earlier step (`reply: true`), an event delivered to a
subscriber (the relation `subscribes` to the step's sender), and a step in a
`callback`. Any other step against a relation is likely a mistake of
direction.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: speech
    to: transcriber
    sends: transcript
""",
            """\
architecture/flow.yaml:4:5: error[flow-against-relation]: the step speech → transcriber runs against the relation transcriber → speech
    hint: mark it `reply: true` if it answers an earlier step, put it in a `callback`, or declare the relation in speech's uses
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

FLOW_UNFINISHED = Rule(
    "flow-long-running-unfinished",
    E,
    "asynchronous work started at a long-running vendor that the flow never waits for",
    "flows",
    doc="""
A vendor in `long-running` mode answers a call with a handle, and the work
is done minutes later. A flow that starts such work asynchronously (the step
or its relation is `async`) must show how it ends: after the step, a
`loop` that polls the vendor, or a `callback` with a step from it.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: transcriber
    to: speech
    sends: start recognition
""",
            """\
architecture/flow.yaml:4:5: error[flow-long-running-unfinished]: 'speech' works in long-running mode, and nothing in the flow waits for the work that transcriber starts here
    hint: after this step, poll it in a `loop` with a step to speech, or add a `callback` with a step from speech
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

BAD_DURATION = Rule(
    "bad-duration",
    E,
    "a flow's duration that does not follow the duration grammar",
    "flows",
    doc="""
A step's or group's `duration`, a loop's `every` and a `wait` are written as
an amount and a unit (`ms`, `s`, `min`, `h`, `d`), after a percentile if the
figure is one: `30s`, `p95 4min`, `p99 50ms`. Words may follow (`p95 4min per
hour of audio`). See [Durations](format.md#durations).
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: transcriber
    to: recordings
    duration: a few seconds
""",
            """\
architecture/flow.yaml:6:15: error[bad-duration]: duration: 'a few seconds' is not a duration
    hint: write an amount and a unit (ms, s, min, h, d), after a percentile if it is one: 30s, p95 4min
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

FLOW_TOO_LARGE = Rule(
    "flow-too-large",
    E,
    "a flow too large to draw: too many steps or participants, or groups nested too deep",
    "flows",
    doc="""
A flow of more than 400 steps and waits, more than 40 participants, or with
groups nested 8 deep or more cannot be read as one sequence diagram, and
is not drawn. This is the flow's only finding until it is split.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - loop: "1"
    steps:
      - loop: "2"
        steps:
          - loop: "3"
            steps:
              - loop: "4"
                steps:
                  - loop: "5"
                    steps:
                      - loop: "6"
                        steps:
                          - loop: "7"
                            steps:
                              - loop: "8"
                                steps:
                                  - loop: "9"
                                    steps:
                                      - from: transcriber
                                        to: recordings
""",
            """\
architecture/flow.yaml:20:37: error[flow-too-large]: the flow 'transcription' nests groups more than 8 deep
    hint: split it into several flows, each a part of the work
4 elements in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

FLOW_LATENCY = Rule(
    "flow-latency",
    W,
    "a duration in a flow that does not agree with the vendor's declared latency",
    "warnings",
    doc="""
Where a flow says how long a vendor takes, it should agree with the
vendor's `latency`: a step's `duration` for a vendor that answers at once,
the `duration` of the `loop` or `callback` that waits for a long-running
vendor. They agree within a factor of 2 either way; figures at different
percentiles (`p50` against `p95`) are not compared, nor a latency written in
free text.
""",
    examples=(
        _example(
            """\
kind: flow
id: transcription
steps:
  - from: transcriber
    to: speech
    sends: start recognition
  - loop: until the operation is done
    duration: p95 30min
    steps:
      - from: transcriber
        to: speech
        sends: get operation
""",
            """\
architecture/flow.yaml:8:15: warning[flow-latency]: duration: p95 30min does not agree with the latency of 'speech' (p95 4min per hour of audio)
    hint: within a factor of 2 they agree: correct the flow or the vendor's latency
4 elements in 2 files: 0 errors, 1 warning
""",
        ),
    ),
)

RULES = declare(
    FLOW_UNKNOWN_PARTICIPANT,
    FLOW_UNDECLARED_STEP,
    FLOW_STEP_VERB,
    FLOW_AGAINST_RELATION,
    FLOW_UNFINISHED,
    BAD_DURATION,
    FLOW_TOO_LARGE,
    FLOW_LATENCY,
)
