"""The API's refusals in the site's language: Django REST framework's own catalogue has almost
no Vietnamese, so the refusals a client meets every day are worded here."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as rest_exception_handler


def _wording(exc) -> str | None:
    if isinstance(exc, exceptions.NotAuthenticated):
        return _(
            "Chưa đăng nhập: gửi mã truy cập trong tiêu đề “Authorization: Token <mã>”, "
            "hoặc đăng nhập trên trình duyệt."
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("Mã truy cập không đúng, đã bị thu hồi, hoặc tài khoản đã bị khóa.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("API chỉ để đọc dữ liệu: không dùng được phương thức này ở địa chỉ này.")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("API không trả lời được theo định dạng mà tiêu đề Accept yêu cầu.")
    if (
        isinstance(exc, exceptions.PermissionDenied)
        and exc.detail == exceptions.PermissionDenied.default_detail
    ):
        return _("Bạn không có quyền thực hiện thao tác này.")
    return None


def exception_handler(exc, context):
    """Django REST framework's handler, with its usual refusals worded in Vietnamese.

    Only the text changes: the status and the "WWW-Authenticate" header stay as the framework
    set them.
    """
    wording = _wording(exc)
    if wording is not None:
        exc.detail = exceptions.ErrorDetail(wording, code=exc.default_code)
    return rest_exception_handler(exc, context)
