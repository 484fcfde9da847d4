import subprocess

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.demo.files import pdf_bytes, png_bytes
from campaigns.evidence import check_upload

AGENCY = "Ủy ban Kiểm tra Tỉnh ủy (thử)"


def test_the_demo_files_pass_the_upload_check():
    report = SimpleUploadedFile("bao-cao.pdf", pdf_bytes(AGENCY, "Năm 2026"))
    assert check_upload(report).kind == "pdf"
    assert check_upload(SimpleUploadedFile("anh.png", png_bytes(3))).kind == "png"


def test_the_demo_pdf_is_one_readable_page_without_diacritics(tmp_path):
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(pdf_bytes(AGENCY, "Tổng kết năm 2026"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    # Poppler repairs a broken cross-reference table quietly but says so on stderr.
    assert info.stderr == ""
    assert "Pages:           1" in info.stdout
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    text = " ".join(out.stdout.split())
    assert "UY BAN KIEM TRA TINH UY (THU)" in text
    assert "BAO CAO" in text and "Tong ket nam 2026" in text
