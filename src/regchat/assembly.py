"""The files of one document -> its bilingual, versioned provisions.

A document (one ``doc_id``) may come as several files: its official text, one
file per version (``version`` and ``in_force`` in the front matter), and
translations (``translation_of: <version>``, ``official: false``). Each file
is split into provisions on its own (``parsing.split_provisions``); here the
provisions with the same article number are joined into one ``Provision``
whose ``texts`` hold every language and version:

* official versions in force one after another: each version is in force from
  its ``in_force`` day until the day before the next one's;
* a translation says which official version it follows, so an answer can tell
  when the official text has changed since;
* a summary (``kind: summary``, ``summary_of: <version>``) gives the gist of the
  articles a language has no text of; it goes to ``Provision.summaries``, is
  searched and shown as a summary, and is never quoted as the law;
* ``Provision.text`` (what older callers read) is the translation when there is
  one, else the latest official text; labels and titles come from the
  translation's file when there is one, so citations keep their English form.

A document with one file passes through unchanged, its text recorded in
``texts`` too. Documents without article numbers (guides split by heading)
cannot be aligned by article: they come as one text file, with summaries in
other languages aligned section by section (the n-th section of a summary is
the gist of the n-th section of the text).

Everything here is pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .documents import Document, Provision, ProvisionText
from .errors import DocumentError

Parsed = tuple[Document, list[Provision]]


def assemble(files: Sequence[Parsed]) -> list[Provision]:
    """Join the parsed files of one document into its provisions (see the module docstring)."""
    if not files:
        return []
    doc_ids = {doc.doc_id for doc, _ in files}
    if len(doc_ids) != 1:
        raise ValueError(f"assemble() takes the files of one document, got {sorted(doc_ids)}")
    if all(doc.summary for doc, _ in files):
        document = files[0][0]
        raise DocumentError(document.path or document.doc_id,
                            f"a summary of {document.doc_id!r} without the text it summarises")
    if len(files) == 1:
        document, provisions = files[0]
        return [_single(document, p) for p in provisions]
    if _is_guide_with_summaries(files):
        return _guide_with_summaries(files)
    _check_files(files)
    official = sorted((f for f in files if f[0].official), key=lambda f: f[0].in_force or dt.date.min)
    translations = [f for f in files if not f[0].official and not f[0].summary]
    summaries = [f for f in files if f[0].summary]
    base_doc = (translations or official)[0][0]
    title_zh = next((doc.title for doc, _ in official if doc.language == "zh"), None)
    texts: dict[int, list[ProvisionText]] = {}
    meta: dict[int, dict] = {}
    for index, (document, provisions) in enumerate(official):
        until = None
        if index + 1 < len(official) and official[index + 1][0].in_force:
            until = official[index + 1][0].in_force - dt.timedelta(days=1)
        for p in provisions:
            if p.article is None:
                continue
            texts.setdefault(p.article, []).append(
                ProvisionText(
                    lang=document.language, text=p.text, official=True, version=document.version,
                    in_force=document.in_force, until=until,
                )  # fmt: skip
            )
            entry = meta.setdefault(p.article, {})
            entry.update(chapter_zh=p.chapter, section_zh=p.section, official_provision=p)
    for document, provisions in translations:
        for p in provisions:
            if p.article is None:
                continue
            texts.setdefault(p.article, []).append(
                ProvisionText(lang=document.language, text=p.text, official=False, follows=document.translation_of)
            )
            meta.setdefault(p.article, {})["translated"] = p
    gists: dict[int, list[ProvisionText]] = {}
    for document, provisions in summaries:
        for p in provisions:
            if p.article in texts:
                gists.setdefault(p.article, []).append(
                    ProvisionText(lang=document.language, text=p.text, official=False, follows=document.translation_of)
                )
    out: list[Provision] = []
    for article in sorted(texts):
        entry = meta[article]
        translated: Provision | None = entry.get("translated")
        source: Provision = translated or entry["official_provision"]
        latest_official = [t for t in texts[article] if t.official]
        text = translated.text if translated else latest_official[-1].text
        label = f"{base_doc.short_title}, Art. {article}"
        out.append(
            Provision(
                doc_id=base_doc.doc_id,
                doc_title=base_doc.title,
                jurisdiction=base_doc.jurisdiction,
                chapter=source.chapter if translated else None,
                section=source.section if translated else None,
                article=article,
                label=label,
                text=text,
                ordinal=article,
                texts=tuple(texts[article]),
                summaries=tuple(gists.get(article, ())),
                doc_title_zh=title_zh,
                chapter_zh=entry.get("chapter_zh"),
                section_zh=entry.get("section_zh"),
            )
        )
    return out


def _is_guide_with_summaries(files: Sequence[Parsed]) -> bool:
    """One file without article numbers (a guide split by heading) and summaries of it."""
    texts = [f for f in files if not f[0].summary]
    return len(texts) == 1 and not any(p.article is not None for p in texts[0][1]) and len(files) > 1


def _guide_with_summaries(files: Sequence[Parsed]) -> list[Provision]:
    """A guide's sections, each with the summary of the section at the same place in every
    summary file (which must have the same number of sections). A summary's heading becomes the
    section's name in that language."""
    (document, provisions), = [f for f in files if not f[0].summary]
    out = [_single(document, p) for p in provisions]
    for summary_doc, sections in (f for f in files if f[0].summary):
        path = summary_doc.path or summary_doc.doc_id
        _check_summary(summary_doc)
        if len(sections) != len(provisions):
            raise DocumentError(
                path, f"a summary of a document without articles must have one section per section of "
                f"{document.path or document.doc_id} ({len(provisions)}), in the same order; it has {len(sections)}",
            )
        zh = summary_doc.language == "zh"
        for i, section in enumerate(sections):
            gist = ProvisionText(lang=summary_doc.language, text=section.text, official=False,
                                 follows=summary_doc.translation_of)
            update: dict = {"summaries": (*out[i].summaries, gist)}
            if zh and out[i].section_zh is None:
                update.update(section_zh=section.section, doc_title_zh=out[i].doc_title_zh or summary_doc.title)
            out[i] = out[i].model_copy(update=update)
    return out


def _single(document: Document, provision: Provision) -> Provision:
    text = ProvisionText(
        lang=document.language, text=provision.text, official=document.official, version=document.version,
        in_force=document.in_force, follows=document.translation_of,
    )  # fmt: skip
    zh = document.language == "zh"
    return provision.model_copy(
        update={
            "texts": (text,),
            "doc_title_zh": document.title if zh else document.title_zh,
            "chapter_zh": provision.chapter if zh else None,
            "section_zh": provision.section if zh else None,
        }
    )


def _check_files(files: Sequence[Parsed]) -> None:
    """Several files of one document must be alignable: articles, one official text per
    version, and translations that say what they follow."""
    seen: dict[tuple, str] = {}
    for document, provisions in files:
        path = document.path or document.doc_id
        _check_summary(document)
        kind = "summary" if document.summary else "translation"
        key = ("official text", document.version) if document.official else (kind, document.language)
        if key in seen:
            raise DocumentError(
                path, f"doc_id {document.doc_id!r} is already used by {seen[key]} (same {key[0]}, "
                f"version {key[1]}); give each version 'version' and 'in_force', each translation 'translation_of'",
            )
        seen[key] = path
    for document, provisions in files:
        path = document.path or document.doc_id
        if not any(p.article is not None for p in provisions):
            raise DocumentError(path, f"doc_id {document.doc_id!r} has several files, but this one has no articles to align")
        if document.official and document.in_force is None:
            raise DocumentError(path, "an official version of a document with several files needs 'in_force: YYYY-MM-DD'")
    if not any(doc.official for doc, _ in files):
        raise DocumentError(files[0][0].path or files[0][0].doc_id, "translations without the official text they follow")


def _check_summary(document: Document) -> None:
    if document.summary and document.official:
        raise DocumentError(document.path or document.doc_id,
                            "a summary ('kind: summary') is not the official text: set 'official: false'")


def titles_of(files: Sequence[Parsed]) -> dict[str, str]:
    """The document's title in each language its files have ({'en': ..., 'zh': ...})."""
    out: dict[str, str] = {}
    for document, _ in files:
        out.setdefault(document.language, document.title)
    return out
