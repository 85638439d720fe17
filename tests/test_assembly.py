"""The official Chinese texts, their versions and the English translations, joined article by article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from regchat.assembly import assemble
from regchat.documents import _normalised
from regchat.errors import DocumentError
from regchat.parsing import load_provisions
from regchat.parts import align_items, items_of, split_parts

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
LAW_ZH = CORPUS / "cn-exit-entry-law.zh.md"
REGS_2013 = CORPUS / "cn-foreigner-entry-exit-regulations.2013.zh.md"
REGS_2025 = CORPUS / "cn-foreigner-entry-exit-regulations.2025.zh.md"


def articles(path):
    return [p for p in load_provisions(path)[1] if p.article is not None]


def shipped(doc_id):
    files = [load_provisions(p) for p in sorted(CORPUS.glob(f"{doc_id}*.md"))]
    return {p.article: p for p in assemble(files)}


class TestChineseTexts:
    def test_the_law_has_93_articles_in_eight_chapters(self):
        law = articles(LAW_ZH)
        assert [p.article for p in law] == list(range(1, 94))
        chapters = list(dict.fromkeys(p.chapter for p in law))
        assert len(chapters) == 8 and chapters[0] == "第一章 总则" and chapters[-1] == "第八章 附则"
        by_number = {p.article: p for p in law}
        assert by_number[78].chapter == "第七章 法律责任"
        assert by_number[29].section == "第一节 停留居留" and by_number[47].section == "第二节 永久居留"
        assert "应当自入境之日起三十日内" in by_number[30].text
        assert "每非法居留一日五百元" in by_number[78].text

    def test_both_versions_of_the_regulations_have_39_articles(self):
        for path in (REGS_2013, REGS_2025):
            assert [p.article for p in articles(path)] == list(range(1, 40))

    def test_the_2025_revision_changes_only_articles_6_and_7(self):
        old = {p.article: p.text for p in articles(REGS_2013)}
        new = {p.article: p.text for p in articles(REGS_2025)}
        changed = sorted(n for n in old if _normalised(old[n]) != _normalised(new[n]))
        assert changed == [6, 7]
        assert "K字签证，发给入境的外国青年科技人才" in new[6]

    def test_front_matter_gives_language_version_and_day_in_force(self):
        document, _ = load_provisions(REGS_2025)
        assert (document.language, document.official, document.version) == ("zh", True, "2025-08-07")
        assert document.in_force == dt.date(2025, 10, 1)
        translation, _ = load_provisions(CORPUS / "cn-foreigner-entry-exit-regulations.md")
        assert not translation.official and translation.translation_of == "2013-07-12"


class TestParts:
    def test_article_6_has_13_items_in_2025_and_12_in_2013_and_in_the_translation(self):
        regs = shipped("cn-foreigner-entry-exit-regulations")
        art6 = regs[6]
        assert len(items_of(art6.text_in("zh").text)) == 13
        assert len(items_of(art6.text_in("zh", dt.date(2020, 1, 1)).text)) == 12
        assert len(items_of(art6.text_in("en").text)) == 12

    def test_a_line_after_an_item_ending_with_a_semicolon_continues_it(self):
        parts = split_parts("Visas are as follows:\n(8) Q1 visas ...;\nQ2 visas ...\n(9) R visas ...")
        assert [(p.paragraph, p.item) for p in parts] == [(1, None), (1, 8), (1, 9)]
        assert parts[1].text.endswith("Q2 visas ...")
        assert parts[1].lead == "Visas are as follows:"

    def test_a_paragraph_after_the_items_is_the_next_paragraph(self):
        art7 = shipped("cn-foreigner-entry-exit-regulations")[7].text_in("zh").text
        last = split_parts(art7)[-1]
        assert last.paragraph == 2 and last.item is None and last.text.startswith("签证机关可以")

    def test_translated_items_are_mapped_to_the_numbering_in_force(self):
        art6 = shipped("cn-foreigner-entry-exit-regulations")[6]
        mapping = align_items(
            art6.text_in("en").text, art6.text_in("zh", dt.date(2020, 1, 1)).text, art6.text_in("zh").text
        )
        assert mapping[5] == 5  # J1/J2 keeps its place
        assert mapping[11] == 12 and mapping[12] == 13  # X1/X2 and Z moved down one after the K visa


class TestAlignment:
    def test_every_translated_article_sits_beside_its_official_text(self):
        law = shipped("cn-exit-entry-law")
        assert sorted(law) == list(range(1, 94))
        translated = [n for n, p in law.items() if "en" in p.languages]
        assert translated == list(range(29, 50))
        art30 = law[30]
        assert "within 30 days from the date of their entry" in art30.text_in("en").text
        assert "三十日内" in art30.text_in("zh").text
        assert art30.text == art30.text_in("en").text  # the default text stays the translation
        assert law[78].text == law[78].text_in("zh").text  # ... or the official text where none exists

    def test_the_same_number_of_paragraphs_on_both_sides_of_chapter_iv(self):
        law = shipped("cn-exit-entry-law")
        for number in range(29, 50):
            p = law[number]
            en = max(x.paragraph for x in split_parts(p.text_in("en").text))
            zh = max(x.paragraph for x in split_parts(p.text_in("zh").text))
            assert en == zh, number

    def test_labels_and_titles_in_both_languages(self):
        law = shipped("cn-exit-entry-law")
        assert law[30].label == "Exit and Entry Administration Law, Art. 30"
        assert law[30].label_zh == "《中华人民共和国出境入境管理法》第三十条"


class TestVersions:
    def test_the_version_in_force_on_a_day(self):
        art6 = shipped("cn-foreigner-entry-exit-regulations")[6]
        assert art6.text_in("zh", dt.date(2025, 9, 30)).version == "2013-07-12"
        assert art6.text_in("zh", dt.date(2025, 10, 1)).version == "2025-08-07"
        assert art6.text_in("zh").version == "2025-08-07"
        assert art6.text_in("zh", dt.date(2025, 9, 30)).until == dt.date(2025, 9, 30)

    def test_a_translation_of_an_older_text_is_outdated_only_where_the_text_changed(self):
        regs = shipped("cn-foreigner-entry-exit-regulations")
        assert regs[6].translation_outdated("en") and regs[7].translation_outdated("en")
        assert not regs[6].translation_outdated("en", dt.date(2024, 5, 1))
        assert not any(regs[n].translation_outdated("en") for n in regs if n not in (6, 7))

    def test_as_of_keeps_the_version_of_that_day(self):
        art6 = shipped("cn-foreigner-entry-exit-regulations")[6]
        before = art6.as_of(dt.date(2024, 1, 1))
        assert [t.version for t in before.texts if t.official] == ["2013-07-12"]
        assert "K字签证" not in before.text_in("zh").text


class TestSeveralFiles:
    def write(self, folder: Path, name: str, front: str, body: str) -> Path:
        path = folder / name
        path.write_text(f"---\ndoc_id: rules\n{front}---\n# Rules\n\n{body}", encoding="utf-8")
        return path

    def test_versions_and_a_translation_of_a_users_own_document(self, tmp_path):
        files = [
            load_provisions(self.write(tmp_path, "a.zh.md", "language: zh\nversion: 2020-01-01\nin_force: 2020-02-01\n",
                                       "第一条 旧文。\n")),
            load_provisions(self.write(tmp_path, "b.zh.md", "language: zh\nversion: 2024-01-01\nin_force: 2024-02-01\n",
                                       "第一条 新文。\n")),
            load_provisions(self.write(tmp_path, "c.md", "language: en\ntranslation_of: 2020-01-01\n",
                                       "Article 1 Old text.\n")),
        ]
        [article] = assemble(files)
        assert article.text == "Old text." and article.translation_outdated("en")
        assert article.text_in("zh", dt.date(2021, 1, 1)).text == "旧文。"
        assert article.text_in("zh").text == "新文。"

    def test_a_version_without_its_day_in_force_is_refused(self, tmp_path):
        files = [
            load_provisions(self.write(tmp_path, "a.zh.md", "language: zh\nversion: 2020-01-01\n", "第一条 文。\n")),
            load_provisions(self.write(tmp_path, "c.md", "language: en\ntranslation_of: 2020-01-01\n", "Article 1 Text.\n")),
        ]
        with pytest.raises(DocumentError, match="in_force"):
            assemble(files)

    def test_a_summary_gives_the_gist_of_articles_its_language_has_no_text_of(self, tmp_path):
        files = [
            load_provisions(self.write(tmp_path, "a.zh.md", "language: zh\nversion: v1\nin_force: 2020-01-01\n",
                                       "第一条 甲文。\n\n第二条 乙文。\n")),
            load_provisions(self.write(tmp_path, "b.md", "language: en\ntranslation_of: v1\n", "Article 1 Text A.\n")),
            load_provisions(self.write(tmp_path, "c.md", "language: en\nkind: summary\nsummary_of: v1\n",
                                       "Article 1 Gist A.\n\nArticle 2 Gist B.\n")),
        ]
        first, second = assemble(files)
        assert first.text_in("en").text == "Text A." and first.summary_in("en") is None  # the translation wins
        assert second.text_in("en") is None and second.languages == ["zh"]  # a summary is not a text of the law
        assert second.summary_in("en").text == "Gist B." and second.label == "Rules, Art. 2"

    def test_a_summary_that_claims_to_be_official_is_refused(self, tmp_path):
        files = [
            load_provisions(self.write(tmp_path, "a.zh.md", "language: zh\nin_force: 2020-01-01\n", "第一条 甲文。\n")),
            load_provisions(self.write(tmp_path, "c.md", "language: en\nkind: summary\nofficial: true\n", "Article 1 Gist.\n")),
        ]
        with pytest.raises(DocumentError, match="summary"):
            assemble(files)


    def test_a_guide_takes_a_summary_section_by_section(self, tmp_path):
        files = [
            load_provisions(self.write(tmp_path, "g.md", "language: en\ntitle_zh: 指南\n",
                                       "## Apply\n\nBring the form.\n\n## Renew\n\nRenew within 3 days.\n")),
            load_provisions(self.write(tmp_path, "g.summary.zh.md", "language: zh\nkind: summary\nofficial: false\n",
                                       "## 申请\n\n带上表格。\n\n## 续期\n\n3日内续期。\n")),
        ]
        apply, renew = assemble(files)
        assert apply.languages == ["en"] and renew.text_in("en").text == "Renew within 3 days."
        assert renew.summary_in("zh").text == "3日内续期。" and renew.summary_in("en") is None
        assert renew.section == "Renew" and "“续期”部分" in renew.label_zh

    def test_a_guide_summary_with_another_number_of_sections_is_refused(self, tmp_path):
        files = [
            load_provisions(self.write(tmp_path, "g.md", "language: en\n", "## Apply\n\nA.\n\n## Renew\n\nB.\n")),
            load_provisions(self.write(tmp_path, "g.summary.zh.md", "language: zh\nkind: summary\nofficial: false\n",
                                       "## 申请\n\n甲。\n")),
        ]
        with pytest.raises(DocumentError, match="one section per section"):
            assemble(files)


class TestTheLawsEnglishSummaries:
    def test_every_article_outside_chapter_iv_has_an_english_summary_and_chapter_iv_none(self):
        law = shipped("cn-exit-entry-law")
        summarised = sorted(n for n, p in law.items() if p.summary_in("en") is not None)
        assert summarised == [n for n in range(1, 94) if not 29 <= n <= 49]
        assert all(law[n].text_in("en") is not None for n in range(29, 50))

    def test_every_figure_of_the_chinese_text_is_in_its_summary(self):
        from regchat.answering.quoting import figures_in

        for number, p in shipped("cn-exit-entry-law").items():
            summary = p.summary_in("en")
            if summary is None:
                continue
            digits = summary.text.replace(",", "")
            for figure in figures_in(p.text_in("zh").text):
                assert figure.split()[0].replace(",", "") in digits, (number, figure)
