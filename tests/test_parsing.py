"""Reading source files into documents and splitting them into provisions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regchat.errors import DocumentError
from regchat.parsing import (
    chinese_to_int,
    int_to_chinese,
    is_debris,
    load_provisions,
    read_document,
    split_provisions,
)
from regchat.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"
CORPUS_IDS = {
    "cn-exit-entry-law",
    "cn-foreigner-entry-exit-regulations",
    "cn-work-permit-card",
    "mo-non-resident-worker-card",
}
DEBRIS = re.compile(
    r"copyright|all rights reserved|icp备|公网安备|查看原文|share - wechat|skip navigation|mandatory field"
    r"|is there anything wrong|您可能也对|文章有问题|< 1 2",
    re.IGNORECASE,
)


def corpus(doc_id: str):
    return load_provisions(CORPUS / f"{doc_id}.md")


class TestShippedCorpus:
    def test_has_exactly_the_four_documents(self):
        ids = {read_document(p).doc_id for p in CORPUS.glob("*.md")}
        assert ids == CORPUS_IDS

    def test_every_document_carries_its_metadata(self):
        for path in CORPUS.glob("*.md"):
            doc = read_document(path)
            assert doc.title and doc.short_title and doc.source and doc.language == ("zh" if ".zh." in path.name else "en")
            assert doc.jurisdiction == ("MO" if doc.doc_id.startswith("mo-") else "CN")
            assert doc.content_hash and len(doc.content_hash) == 64

    def test_exit_entry_law_has_articles_29_to_49(self):
        doc, provisions = corpus("cn-exit-entry-law")
        assert [p.article for p in provisions] == list(range(29, 50))
        assert len(provisions) == 21
        assert doc.updated == "2017-12-08"

    def test_regulations_have_articles_1_to_39(self):
        _, provisions = corpus("cn-foreigner-entry-exit-regulations")
        assert [p.article for p in provisions] == list(range(1, 40))

    def test_article_keeps_chapter_and_section_and_a_display_label(self):
        _, provisions = corpus("cn-exit-entry-law")
        art30 = next(p for p in provisions if p.article == 30)
        assert art30.label == "Exit and Entry Administration Law, Art. 30"
        assert art30.chapter == "Chapter IV Stay and Residence of Foreigners"
        assert art30.section == "Section 1 Stay and Residence"
        assert art30.text.startswith("Where visas held by foreigners specify")
        assert "within 30 days from the date of their entry" in art30.text
        assert "five years at the maximum" in art30.text  # the article's last paragraph
        art47 = next(p for p in provisions if p.article == 47)
        assert art47.section == "Section 2 Permanent Residence"
        assert art30.key == "cn-exit-entry-law#30" and art30.ref == "Art. 30"

    def test_regulations_labels_and_chapters(self):
        _, provisions = corpus("cn-foreigner-entry-exit-regulations")
        art18 = next(p for p in provisions if p.article == 18)
        assert art18.label == "Foreigner Entry and Exit Regulations, Art. 18"
        assert art18.chapter == "Chapter 3 Administration of Visit and Residence"
        assert "not more than 15 days" in art18.text
        art7 = next(p for p in provisions if p.article == 7)
        assert "letter of invitation issued by their commercial or trade partner" in art7.text

    def test_macao_guide_is_split_into_its_services(self):
        _, provisions = corpus("mo-non-resident-worker-card")
        sections = [p.section for p in provisions]
        assert "Reissue / Replacement" in sections
        assert "Renewal (including Validity update)" in sections
        assert "Enquiry Methods" in sections
        assert all(p.article is None and p.jurisdiction == "MO" for p in provisions)
        reissue = provisions[sections.index("Reissue / Replacement")]
        assert reissue.label == "Macao Non-resident Worker's Card Guide, Reissue / Replacement"
        assert "damaged, lost, stolen or plundered" in reissue.text
        assert reissue.ref == "Reissue / Replacement"

    def test_work_permit_card_guide_is_split_into_sections(self):
        _, provisions = corpus("cn-work-permit-card")
        sections = [p.section for p in provisions]
        assert "Procedure" in sections
        procedure = provisions[sections.index("Procedure")]
        assert "5. At the appointed time, come for a new card" in procedure.text
        assert [p.key for p in provisions] == [f"cn-work-permit-card#s{i}" for i in range(1, len(provisions) + 1)]

    def test_no_web_debris_in_any_provision(self):
        for path in CORPUS.glob("*.md"):
            for provision in load_provisions(path)[1]:
                assert not DEBRIS.search(provision.text), (provision.key, provision.text)


class TestArticleHeadings:
    def doc(self, tmp_path: Path, text: str, name: str = "law.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return load_provisions(path)

    def test_chinese_article_chapter_and_section_headings(self, tmp_path):
        _, provisions = self.doc(tmp_path, (
            "中华人民共和国出境入境管理法\n\n第四章 外国人停留居留\n\n第一节 停留居留\n\n"
            "第二十九条 外国人所持签证注明的停留期限不超过一百八十日的，持证人凭签证并按照签证注明的停留期限在中国境内停留。\n\n"
            "第三十条 持签证入境后需要办理居留证件的外国人，应当自入境之日起三十日内申请办理外国人居留证件。\n\n"
            "第二节 永久居留\n\n"
            "第一百零五条 本法自公布之日起施行。\n"
        ))
        assert [p.article for p in provisions] == [29, 30, 105]
        assert provisions[1].chapter == "第四章 外国人停留居留"
        assert provisions[1].section == "第一节 停留居留"
        assert provisions[2].section == "第二节 永久居留"
        assert provisions[1].text.startswith("持签证入境后")
        assert provisions[1].label.endswith("Art. 30")

    def test_arabic_numerals_in_chinese_headings(self, tmp_path):
        _, provisions = self.doc(tmp_path, "规定\n\n第30条 应当在三十日内申请。\n\n第31条：不予签发的情形。\n")
        assert [p.article for p in provisions] == [30, 31]
        assert provisions[1].text == "不予签发的情形。"

    def test_abbreviated_english_headings(self, tmp_path):
        _, provisions = self.doc(tmp_path, "Rules\n\nArt. 30 Apply within 30 days.\n\nArt.31. Refusals.\n\nARTICLE 32: Extensions.\n")
        assert [p.article for p in provisions] == [30, 31, 32]

    def test_a_cross_reference_inside_a_paragraph_is_not_a_heading(self, tmp_path):
        _, provisions = self.doc(tmp_path, (
            "Rules\n\nArticle 1 First rule, see\nArticle 60 of the Law for detention.\n\nArticle 2 Second rule.\n"
        ))
        assert [p.article for p in provisions] == [1, 2]
        assert provisions[0].text == "First rule, see\nArticle 60 of the Law for detention."

    @pytest.mark.parametrize(
        "numeral, value",
        [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("三十三", 33), ("九十九", 99),
         ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("两百", 200), ("３０", 30)],
    )
    def test_chinese_numerals(self, numeral, value):
        assert chinese_to_int(numeral) == value

    def test_chinese_numerals_round_trip(self):
        assert all(chinese_to_int(int_to_chinese(n)) == n for n in range(1, 1000))
        with pytest.raises(ValueError):
            chinese_to_int("三十A")


class TestFileTypes:
    def test_plain_text_gets_id_from_file_name_and_title_from_first_line(self, tmp_path):
        path = tmp_path / "Hotel Rules 2024.txt"
        path.write_text("Hotel Registration Rules\n\nArticle 1 Hotels register guests.\n", encoding="utf-8")
        doc = read_document(path)
        assert doc.doc_id == "hotel-rules-2024"
        assert doc.title == "Hotel Registration Rules"
        assert doc.jurisdiction == "CN"

    def test_markdown_front_matter_supplies_metadata(self, tmp_path):
        path = tmp_path / "x.md"
        path.write_text(
            "---\ndoc_id: mo-test\ntitle: A Macao Guide\nshort_title: Guide\njurisdiction: MO\n"
            "source: https://www.gov.mo\nupdated: 2024-10-04\n---\n\n# A Macao Guide\n\n"
            "## Renewal\n\nRenew the card after the authorization is renewed.\n\n"
            "## Cancellation\n\nNo relevant stipulation.\n",
            encoding="utf-8",
        )
        doc, provisions = load_provisions(path)
        assert (doc.doc_id, doc.jurisdiction, doc.updated, doc.source) == ("mo-test", "MO", "2024-10-04", "https://www.gov.mo")
        assert [p.section for p in provisions] == ["Renewal", "Cancellation"]
        assert provisions[0].label == "Guide, Renewal"

    def test_html_drops_navigation_scripts_and_footer(self, tmp_path):
        path = tmp_path / "page.html"
        path.write_text(
            "<html><head><title>t</title><script>var x = 'Article 99 evil';</script></head><body>"
            "<nav>Home | Visas | Contact</nav><h1>Stay Rules</h1>"
            "<p>Article 1 Foreigners shall register within 24 hours.</p>"
            "<p>Article 2 Hotels shall <b>report</b> guests.</p>"
            "<footer>Copyright 2024 Somebody. All rights reserved.</footer></body></html>",
            encoding="utf-8",
        )
        doc, provisions = load_provisions(path)
        assert doc.title == "Stay Rules"
        assert [p.article for p in provisions] == [1, 2]
        assert provisions[1].text == "Hotels shall report guests."
        assert "Copyright" not in doc.text and "Home | Visas" not in doc.text and "evil" not in doc.text

    def test_pdf(self, tmp_path):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        path = tmp_path / "rules.pdf"
        pdf = canvas.Canvas(str(path), pagesize=A4)
        lines = ["Residence Rules", "", "Article 1 Apply for a residence permit within 30 days.", "",
                 "Article 2 Extensions are filed 30 days before expiry."]
        y = 800
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 18
        pdf.showPage()
        pdf.drawString(72, 800, "Article 3 Reissue a lost permit.")
        pdf.save()
        doc, provisions = load_provisions(path)
        assert doc.doc_id == "rules"
        assert [p.article for p in provisions] == [1, 2, 3]
        assert "within 30 days" in provisions[0].text

    def test_debris_lines_are_dropped_from_plain_text(self, tmp_path):
        path = tmp_path / "page.txt"
        path.write_text(
            "Skip navigation\n\nStay Rules\n\nShare - WeChat\n\nArticle 1 Register within 24 hours.\n\n"
            "< 1 2 3 4 5 6 7 >\n\nCopyright©2024 China Daily. All rights reserved.\n\n京ICP备13028878号-6\n\n查看原文\n",
            encoding="utf-8",
        )
        doc, provisions = load_provisions(path)
        assert [p.text for p in provisions] == ["Register within 24 hours."]
        assert not DEBRIS.search(doc.text)

    @pytest.mark.parametrize("line", ["Share - WeChat", "Copyright©2024 China Daily. All rights reserved.",
                                      "京ICP备13028878号-6", "查看原文", "< 1 2 3 4 5 6 7 >", "Skip navigation"])
    def test_debris_patterns(self, line):
        assert is_debris(line)

    @pytest.mark.parametrize("line", ["Article 1 Register within 24 hours.", "(1) The visa held does not belong",
                                      "Section 1 Stay and Residence"])
    def test_regulation_text_is_not_debris(self, line):
        assert not is_debris(line)


class TestBadFiles:
    def test_unsupported_type(self, tmp_path):
        path = tmp_path / "rules.docx"
        path.write_bytes(b"PK\x03\x04 not really")
        with pytest.raises(DocumentError, match="unsupported file type .docx") as info:
            read_document(path)
        assert info.value.path == path

    def test_empty_file(self, tmp_path):
        path = tmp_path / "empty.md"
        path.write_text("  \n\n", encoding="utf-8")
        with pytest.raises(DocumentError, match="empty") as info:
            read_document(path)
        assert str(path) in str(info.value)

    def test_unreadable_file(self, tmp_path):
        path = tmp_path / "folder.md"
        path.mkdir()
        with pytest.raises(DocumentError, match="unreadable"):
            read_document(path)

    def test_missing_file(self, tmp_path):
        with pytest.raises(DocumentError, match="unreadable"):
            read_document(tmp_path / "nope.txt")

    def test_html_without_text(self, tmp_path):
        path = tmp_path / "blank.html"
        path.write_text("<html><script>var a = 1;</script><nav>Home</nav></html>", encoding="utf-8")
        with pytest.raises(DocumentError, match="no text extracted"):
            read_document(path)

    def test_pdf_without_text(self, tmp_path):
        from reportlab.pdfgen import canvas

        path = tmp_path / "scan.pdf"
        pdf = canvas.Canvas(str(path))
        pdf.rect(100, 100, 200, 200)
        pdf.showPage()
        pdf.save()
        with pytest.raises(DocumentError, match="no text extracted"):
            read_document(path)

    def test_corrupt_pdf(self, tmp_path):
        path = tmp_path / "broken.pdf"
        path.write_bytes(b"%PDF-1.4\nthis is not a pdf body")
        with pytest.raises(DocumentError, match="broken.pdf"):
            read_document(path)

    def test_split_of_a_document_is_pure(self):
        doc = read_document(CORPUS / "cn-exit-entry-law.md")
        assert split_provisions(doc) == split_provisions(doc)
