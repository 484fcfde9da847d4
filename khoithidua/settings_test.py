"""Settings for the test suite: the environment's services, fast hashing, files in a temp dir."""

import tempfile
from pathlib import Path

from khoithidua.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="khoithidua-media-"))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Unit tests run tasks in-process; the worker tests start a real worker on their own Redis db.
CELERY_TASK_ALWAYS_EAGER = True
TASKS_EAGER = True
LANGUAGE_CODE = "vi"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The self-signed signing pair of a test run lives with its files, never in var/.
DOCUMENT_SIGNING_DIR = Path(tempfile.mkdtemp(prefix="khoithidua-signing-"))
