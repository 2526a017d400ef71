"""The structural rules of the export contract as one DuckDB statement (VALIDATION_SQL): the
lines of a chunk, each with its reason code for quarantine (or none). Set-based: DuckDB splits
the pieces of complete lines the reader hands it (`pieces`: first_line, text) and judges every
line, together with the few lines Python already judged (`singles`: line_number, text, reason,
detail); no per-record Python."""

from __future__ import annotations

# Contract §1 required fields and the JSON types DuckDB must report for them, in the order they
# are checked (the first failure is the reason given). Constants, never data.
REQUIRED_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("$.event_id", ("VARCHAR",)),
    ("$.category", ("VARCHAR",)),
    ("$.headline", ("VARCHAR",)),
    ("$.location.name", ("VARCHAR",)),
    ("$.verification.status", ("VARCHAR",)),
    ("$.verification.summary", ("VARCHAR",)),
    ("$.verification.source_count", ("UBIGINT", "BIGINT")),
    ("$.sources", ("ARRAY",)),
    ("$.entities", ("ARRAY",)),
    ("$.source_reports", ("ARRAY",)),
    ("$.extraction.extracted_at", ("VARCHAR",)),
    ("$.extraction.source_story_id", ("VARCHAR", "UBIGINT")),
)


KNOWN_TOP_LEVEL_FIELDS = (
    "event_id",
    "category",
    "headline",
    "location",
    "verification",
    "sources",
    "entities",
    "source_reports",
    "extraction",
)


# A line of only these (ASCII whitespace, as Python's bytes.strip sees it) is blank: not a record.
_BLANK_CODES = (32, 9, 10, 11, 12, 13)
_BLANK = " || ".join(f"chr({code})" for code in _BLANK_CODES)


ISO_UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$"


# Every JSON path validation reads, fetched in one parse per record (json_type and
# json_extract_string take a list of paths): per-path calls re-parse the document each time,
# which costs memory per vector and made small memory limits fail. Index 1 is the document.
_PATHS = ("$", *(path for path, _ in REQUIRED_FIELDS), "$.source_reports[0]")


_INDEX = {path: number for number, path in enumerate(_PATHS, start=1)}


# The texts validation reads, in one extraction: the fields that may be strings (a blank one is
# missing). Extracting the arrays' or the document's text too would re-serialise most of every
# record; a field of another type that arrives as a string (rare) is read alone, only then.
_STRING_PATHS = tuple(path for path, types in REQUIRED_FIELDS if "VARCHAR" in types)


_STRING_INDEX = {path: number for number, path in enumerate(_STRING_PATHS, start=1)}


def _text_of(path: str) -> str:
    """SQL: the text of the field at `path` (a constant of REQUIRED_FIELDS, never data)."""
    if path in _STRING_INDEX:
        return f"s[{_STRING_INDEX[path]}]"
    return f"(case when t[{_INDEX[path]}] = 'VARCHAR' then json_extract_string(j, '{path}') end)"


def _first_field_where(condition: str) -> str:
    """SQL: the first required field (in contract order) for which `condition` holds; in
    `condition`, {t} is the field's JSON type, {s} its string value, {types} the allowed types."""
    whens = " ".join(
        "when "
        + condition.format(t=f"t[{_INDEX[path]}]", s=_text_of(path), types=", ".join(repr(t) for t in types))
        + f" then '{path.removeprefix('$.')}'"
        for path, types in REQUIRED_FIELDS
    )
    return f"case {whens} end"


def _validation_sql() -> str:
    """One CASE over the parsed JSON giving the first reason a record cannot be loaded."""
    missing = _first_field_where("coalesce({t}, 'NULL') = 'NULL' or ({t} = 'VARCHAR' and trim({s}) = '')")
    mistyped = _first_field_where("{t} not in ({types}, 'NULL')")
    paths = ", ".join(f"'{path}'" for path in _PATHS)
    string_paths = ", ".join(f"'{path}'" for path in _STRING_PATHS)
    extracted_at = f"s[{_STRING_INDEX['$.extraction.extracted_at']}]"
    story_id = f"s[{_STRING_INDEX['$.extraction.source_story_id']}]"
    known = ", ".join(f"'{name}'" for name in KNOWN_TOP_LEVEL_FIELDS)
    return f"""
    with lines as (
        -- the pieces' lines, numbered: two unnests of equal length pair up element by element
        select first_line + unnest(range(len(split))) as line_number, unnest(split) as text
        from (select first_line, string_split(text, chr(10)) as split from pieces)
    ),
    candidates as (
        -- trim() with a set of characters walks the whole text (0.4 s per 60 MB file): the
        -- CASEs only call it for the lines that can need it
        select line_number,
            case when suffix(text, chr(13)) then rtrim(text, chr(13)) else text end as text,
            null::varchar as reason, null::varchar as detail
        from lines
        where case
            when text = '' then false
            when ascii(text) in ({", ".join(map(str, _BLANK_CODES))}) then trim(text, {_BLANK}) <> ''
            else true
        end
        union all
        select line_number, text, reason, detail from singles
    ),
    parsed as (
        select line_number, text, reason as pre_reason, detail as pre_detail,
               case when reason is null then try_cast(text as json) end as j
        from candidates
    ),
    extracted as (
        select *, json_type(j, [{paths}]) as t, json_extract_string(j, [{string_paths}]) as s
        from parsed
    ),
    fields as (
        select *,
            case when t[1] = 'OBJECT' then {missing} end as missing_field,
            case when t[1] = 'OBJECT' then {mistyped} end as mistyped_field
        from extracted
    ),
    checked as (
        select *,
            case
                when pre_reason is not null then pre_reason
                when j is null then 'malformed_json'
                when t[1] <> 'OBJECT' then 'not_an_object'
                when missing_field is not null then 'missing_required_field'
                when mistyped_field is not null then 'invalid_field_type'
                when t[{_INDEX["$.source_reports[0]"]}] is null then 'empty_source_reports'
                when not regexp_full_match({extracted_at}, '{ISO_UTC_PATTERN}')
                  or try_cast({extracted_at} as timestamptz) is null
                    then 'invalid_extracted_at'
                when try_cast({extracted_at} as timestamptz) > $loaded_at
                    then 'extracted_at_in_future'
                when not regexp_full_match({story_id}, '[0-9]+')
                    then 'invalid_source_story_id'
            end as reason_code
        from fields
    )
    select line_number,
        -- each row keeps only what its insert reads: the text of a reject, the JSON of a record
        case when reason_code is not null then text end as text,
        case when reason_code is null then j end as j,
        reason_code,
        case
            when reason_code is null then null
            when pre_reason is not null then pre_detail
            when reason_code = 'missing_required_field' then 'missing: ' || missing_field
            when reason_code = 'invalid_field_type'
                then mistyped_field || ' is ' || json_type(j, '$.' || mistyped_field)
            when reason_code = 'invalid_extracted_at' then 'extracted_at: ' || {extracted_at}
            when reason_code = 'extracted_at_in_future'
                then 'extracted_at ' || {extracted_at} || ' is after load time'
            when reason_code = 'invalid_source_story_id' then 'source_story_id: ' || {story_id}
            when reason_code = 'malformed_json' then 'not valid JSON'
            when reason_code = 'not_an_object' then 'top-level JSON ' || t[1]
            when reason_code = 'empty_source_reports' then 'source_reports is empty'
        end as detail,
        -- Unknown top-level fields, kept as JSON. Keys are data: they are never spliced into a
        -- JSON path or SQL, only filtered as map entries. The map (which re-serialises the whole
        -- record) is only built for the few records that have such a field.
        case when reason_code is null
              and len(list_filter(json_keys(j), lambda key: key not in ({known}))) > 0
            then to_json(map_from_entries(list_filter(
                map_entries(json_transform(j, '"MAP(VARCHAR, JSON)"')),
                lambda entry: entry.key not in ({known})
            )))
        end as extra_fields
    from checked
    """


VALIDATION_SQL = _validation_sql()
