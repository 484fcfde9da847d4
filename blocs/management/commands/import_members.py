import io

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from blocs import imports, services
from blocs.models import BlocTerm


class Command(BaseCommand):
    help = "Nhập danh sách cơ quan, đơn vị thành viên của một năm thi đua từ tệp Excel theo mẫu."

    def add_arguments(self, parser):
        parser.add_argument("bloc_code", help="Mã khối, ví dụ khoi-dang")
        parser.add_argument("year", type=int, help="Năm thi đua")
        parser.add_argument("file", help="Tệp .xlsx theo mẫu")
        parser.add_argument("--by", help="Tên đăng nhập của người nhập (không bắt buộc)")

    def handle(self, *args, bloc_code, year, file, by=None, **options):
        term = (
            BlocTerm.objects.select_related("bloc__council")
            .filter(bloc__code=bloc_code, year=year)
            .first()
        )
        if term is None:
            raise CommandError(
                _("Không có năm thi đua %(year)s của khối %(bloc)s.")
                % {"year": year, "bloc": bloc_code}
            )
        if term.is_closed:
            raise CommandError(_("Năm thi đua %(year)s đã kết thúc.") % {"year": year})
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(_("Không có người dùng %(name)s.") % {"name": by})
        try:
            with open(file, "rb") as handle:
                upload = io.BytesIO(handle.read())
        except OSError as exc:
            raise CommandError(
                _("Không mở được tệp %(file)s: %(err)s") % {"file": file, "err": exc}
            ) from exc
        upload.name = file
        result = imports.read_member_file(upload, term=term)
        if result.errors:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(
                _("Tệp có %(n)s lỗi; chưa nhập dòng nào.") % {"n": len(result.errors)}
            )
        try:
            created = services.import_members(term=term, rows=result.rows, by=user)
        except ValidationError as exc:
            for line in exc.messages:
                self.stderr.write(line)
            raise CommandError(_("Không nhập được tệp; chưa nhập dòng nào.")) from exc
        self.stdout.write(
            _("Đã nhập %(n)s đơn vị vào %(term)s.") % {"n": len(created), "term": term}
        )
