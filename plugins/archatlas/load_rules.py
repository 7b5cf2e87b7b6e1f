"""The rules on files and their YAML, which loading reports (load.py, yamltree.py)."""

from __future__ import annotations

from .examples import Example, File
from .findings import E, Rule, declare

YAML_SYNTAX = Rule(
    "yaml-syntax",
    E,
    "the file is not valid YAML",
    "files",
    doc="""
The file is not valid YAML: a line indented one step too far or too little,
an unclosed bracket or quote, a tab used for indentation, a value that holds
`: ` without quotes. The message is the YAML parser's, and the hint says what
to look at. The position is where the parser stopped, which can be after the
actual mistake: for indentation, the line after it (the hint then says to
check this line and the one before); here, the list opened on line 3 is
never closed.

One mistake gives one finding. The document that holds the error is left
out; the file's other documents, before and after it (each starts at a line
`---`), are read as usual. The ids written in the broken document, its own
`id:` and its relations' `to:`, may exist: a reference to them from another
document is not reported as unknown, and an element that only the broken
document uses is not reported as used by nothing. The same holds for a
document that YAML reads but that has a schema error or a key given twice.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
tags: [cards, transfers
contact: payments@bank.example.com
""",
                ),
            ),
            output="""\
architecture/teams.yaml:4:8: error[yaml-syntax]: while parsing a flow sequence did not find expected ',' or ']'
    hint: close the list with ']' (or the mapping with '}') and separate its items with ','
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="""
A relation's `as:` dedented to the column of its `- `: one finding, with the
hint. The datastore before and the service after the broken document are
read; `payments-api`, in the broken document, is taken as existing, so
`ledger-api` may use it, and `payments-db`, which `payments-api` writes, is
not reported as used by nothing.
""",
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: datastore
id: payments-db
engine: postgres
---
kind: service
id: payments-api
uses:
  - to: payments-db
  as: writes
---
kind: service
id: ledger-api
uses:
  - to: payments-api
    as: calls
""",
                ),
            ),
            output="""\
architecture/payments.yaml:9:3: error[yaml-syntax]: while parsing a block collection did not find expected '-' indicator
    hint: check the indentation of this line and the one before: the fields of a list item start in the column of the first one, after its '- '
2 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="With a tab in the indentation (shown here as `→`), the hint says so:",
            files=(
                File("architecture/teams.yaml", "kind: team\nid: payments\n\tname: Payments\n"),
            ),
            output="""\
architecture/teams.yaml:3:1: error[yaml-syntax]: while scanning a plain scalar found a tab character that violates indentation
    hint: YAML indents with spaces, never tabs
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

YAML_TAG = Rule(
    "yaml-tag",
    E,
    "a YAML tag that would build an object",
    "files",
    doc="""
A YAML tag other than the standard scalar and collection tags. Tags such as
`!!python/object/apply:...` would build objects or run code in some YAML
loaders; archatlas reads plain data only and refuses them, as well as
`!!binary`, `!!timestamp`, `!!set` and local tags such as `!secret`.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
name: !!python/object/apply:os.system ["echo hello"]
""",
                ),
            ),
            output="""\
architecture/teams.yaml:3:7: error[yaml-tag]: the YAML tag '!!python/object/apply:os.system' is not allowed
    hint: archatlas reads plain data only: remove the tag
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

DUPLICATE_KEY = Rule(
    "duplicate-key",
    E,
    "the same key twice in one mapping",
    "files",
    doc="""
The same key twice in one mapping. Plain YAML loaders keep one of the two
values silently; archatlas reports the second one and leaves the document out
of the model, as one with a schema error (the ids written in it may exist, see
[`yaml-syntax`](#yaml-syntax)). Several keys given twice in one mapping are
one finding: most often two items of a list ran together (a line `- id: ...`
deleted). A second `kind` in a document says that two elements ran together
(a line `---` deleted).
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
name: Payments
contact: payments@bank.example.com
name: Payments Engineering
""",
                ),
            ),
            output="""\
architecture/teams.yaml:5:1: error[duplicate-key]: 'name' is given twice in this mapping (first at line 3)
    hint: keep one of them: YAML does not allow the same key twice
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

NOT_A_MAPPING = Rule(
    "not-a-mapping",
    E,
    "a document that is not a mapping of fields",
    "files",
    doc="""
A document that is a list or a single value instead of a mapping of fields.
Each document describes one element: to describe several, separate them with
`---`.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
- kind: team
  id: payments
- kind: team
  id: risk
""",
                ),
            ),
            output="""\
architecture/teams.yaml:1:1: error[not-a-mapping]: this document is a list, not a mapping of fields
    hint: each document describes one element: start it with 'kind:' and 'id:'
0 elements in 1 file: 1 error, 0 warnings
""",
            outro="""
The message says "a single value" for a document such as `payments-api`
alone.
""",
        ),
    ),
)

ARCHIVE_HEAD = "kind: team\nid: archive\ndescription: |\n"
ARCHIVE_LINE = "  " + "x" * 78 + "\n"
ARCHIVE_LINES = 26_000


def _archive_team() -> bytes:
    """A team whose description is too long to print: the file is above the limit."""
    return (ARCHIVE_HEAD + ARCHIVE_LINE * ARCHIVE_LINES).encode()


FILE_TOO_LARGE = Rule(
    "file-too-large",
    E,
    "a file above the size limit",
    "files",
    doc="""
A file larger than 2 MiB (2,097,152 bytes); the file is not read. A smaller
file whose document holds more than 100,000 values (keys, list items and
other values) is reported by this rule too: `this document holds more than
100,000 values`, with the hint to split it into several documents or files.
When aliases make a document that large, the rule is
[`alias-expansion`](#alias-expansion).
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/archive.yaml",
                    ARCHIVE_HEAD + ARCHIVE_LINE * 2 + "  …\n",
                    note=f", a team whose description runs to {ARCHIVE_LINES:,} such lines",
                    data=_archive_team,
                ),
            ),
            output="""\
architecture/archive.yaml:1:1: error[file-too-large]: the file is 2,106,038 bytes, more than the limit of 2,097,152
    hint: split it into several files
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

TOO_DEEP = Rule(
    "too-deep",
    E,
    "nesting deeper than the limit",
    "files",
    doc="""
Lists and mappings nested more than 64 levels deep. No field of the format
nests more than a few levels; the limit protects `check` and the site build
from hostile input.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    "kind: team\nid: payments\ntags: " + "[" * 64 + "]" * 64 + "\n",
                ),
            ),
            output="""\
architecture/teams.yaml:3:70: error[too-deep]: values are nested more than 64 levels deep
    hint: flatten the structure; no field of the format nests this deep
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

ALIAS_EXPANSION = Rule(
    "alias-expansion",
    E,
    "aliases that expand beyond the limit",
    "files",
    doc="""
A document that holds more than 100,000 values once its aliases are
expanded. Aliases (`*name`) repeat what an anchor (`&name`) marks; nested
aliases multiply the size of a document (the "billion laughs" attack). Here
each line repeats the previous one ten times.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
tags: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
""",
                ),
            ),
            output="""\
architecture/teams.yaml:7:7: error[alias-expansion]: this document expands to more than 100,000 values
    hint: aliases (*name) that repeat large anchors multiply the document's size
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

ZURICH_DESK = "kind: team\nid: zurich-desk\nname: Zürich desk\n"
# A 1x1 PNG image: the byte 0 on its third line makes it binary.
PNG_IMAGE = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\x0bIDATx\x9cc`\x00\x02\x00\x00\x05\x00\x01z^\xab?"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

NOT_TEXT = Rule(
    "not-text",
    E,
    "a file that is not UTF-8 text",
    "files",
    doc="""
A file that is not UTF-8 text: it is saved in another encoding, or it holds
binary data, or a control character that YAML does not allow (such as
U+0007 or U+001B: the message names it, at its place). For a file in
another 8-bit encoding, the position is the first character that is not
UTF-8.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    ZURICH_DESK,
                    note=", saved as Latin-1 (the `ü` is the single byte `0xFC`)",
                    encoding="latin-1",
                ),
            ),
            output="""\
architecture/teams.yaml:3:8: error[not-text]: the file is not UTF-8 text
    hint: save it as UTF-8
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="""
A file saved as UTF-16 (as some Windows tools do) and a binary file that
happens to end in `.yaml`:
""",
            files=(
                File(
                    "architecture/teams.yaml",
                    "kind: team\nid: payments\n",
                    note=", saved as UTF-16 with a byte-order mark",
                    encoding="utf-16",
                ),
                File(
                    "architecture/logo.yaml",
                    note=" is a PNG image renamed to `.yaml`",
                    data=PNG_IMAGE,
                ),
            ),
            output="""\
architecture/logo.yaml:3:1: error[not-text]: the file holds binary data, not text
    hint: architecture files are YAML text: remove this file or rename it
architecture/teams.yaml:1:1: error[not-text]: the file is UTF-16 text, not UTF-8
    hint: save it as UTF-8 (in PowerShell: Out-File -Encoding utf8)
0 elements in 2 files: 2 errors, 0 warnings
""",
        ),
    ),
)

UNREADABLE_FILE = Rule(
    "unreadable-file",
    E,
    "a file that cannot be read",
    "files",
    doc="""
A file that cannot be read: a symbolic link to a place outside the
architecture directory, to a file that does not exist or to itself (a loop),
something that is not a regular file (a named pipe or a device), or a file
the operating system refuses to read (the message then gives the reason,
e.g. `cannot read the file: Permission denied`). A symbolic link to a
folder is not followed: the files in it are not read.
""",
    examples=(
        Example(
            files=(
                File("elsewhere/shared.yaml", "kind: team\nid: shared\n"),
                File(
                    "architecture/shared.yaml",
                    link="../elsewhere/shared.yaml",
                    note=", outside `architecture/`",
                ),
            ),
            output="""\
architecture/shared.yaml:1:1: error[unreadable-file]: this file links to a place outside the architecture directory
    hint: copy the file into the architecture directory instead of linking to it
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

RULES = declare(
    YAML_SYNTAX,
    YAML_TAG,
    DUPLICATE_KEY,
    NOT_A_MAPPING,
    FILE_TOO_LARGE,
    TOO_DEEP,
    ALIAS_EXPANSION,
    NOT_TEXT,
    UNREADABLE_FILE,
)
