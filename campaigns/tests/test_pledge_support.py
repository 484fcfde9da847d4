"""Shared builders of the pledge tests (no tests here): a draft, an open pledge, a campaign."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Pledge
from campaigns.services import pledges as services

COMMITMENTS = [
    "Hoàn thành xuất sắc nhiệm vụ chính trị năm 2026.",
    "Đẩy mạnh chuyển đổi số, thực hiện văn bản điện tử.",
    "Thực hành tiết kiệm, chống lãng phí.",
]


def make_draft(world, *, commitments=COMMITMENTS) -> Pledge:
    return services.save_pledge_draft(
        term=world.term,
        by=world.secretariat,
        title="Giao ước thi đua năm 2026",
        slogan="Đoàn kết, sáng tạo",
        legal_bases="Căn cứ Luật Thi đua, khen thưởng năm 2022;\nCăn cứ Quy chế hoạt động của Khối.",
        commitments=list(commitments),
    )


def make_open(world) -> Pledge:
    return services.open_pledge(pledge=make_draft(world), by=world.secretariat)


def make_campaign(world):
    return services.save_campaign(
        term=world.term,
        by=world.secretariat,
        kind="annual",
        title="Phát động phong trào thi đua năm 2026",
        starts_on=datetime.date(2026, 2, 20),
        ends_on=datetime.date(2026, 12, 15),
        content="Nội dung phát động.",
        files=[SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ke hoach", "application/pdf")],
    )
