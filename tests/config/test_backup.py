"""deploy/backup.sh and deploy/restore.sh: one archive of the database and the files; restored
into an empty database, every issued letter is there with the SHA-256 recorded when it was issued."""

import hashlib
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from tests.workflows.documents.letter_277 import letter_277
from workflows.documents import rendering, services
from workflows.documents.models import LetterDocument

ROOT = Path(__file__).resolve().parents[2]
PATTERN = "通科复〔{year}〕{n}号"
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed, so that pg_dump sees the rows
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backs up PostgreSQL (DATABASE_URL)"),
]


def database_url(name):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run(script, *args, database, var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(database),
        CACHE_URL="locmem://",
        VAR_DIR=str(var_dir),
    )
    return subprocess.run(
        ["bash", f"deploy/{script}", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def admin_connection():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def issued_letters(settings, tmp_path, kjj, kx):
    """Two issued letters (one with its signed scan) and a draft preview, rendered into VAR_DIR."""
    var_dir = tmp_path / "var"
    settings.MEDIA_ROOT = var_dir / "media"
    with transaction.atomic():  # a release is numbered in the transaction that stores it
        documents = [
            services.letter_release(subject=department, data=letter_277(), number_pattern=PATTERN)
            for department in (kjj, kx)
        ]
    draft = services.letter_preview_request(subject=kjj, data=letter_277(document_number=""))
    for document in [*documents, draft]:
        assert rendering.letter_document_render(document_id=document.pk, revision=document.revision)
    services.letter_scan_attach(
        document=LetterDocument.objects.get(pk=documents[0].pk),
        upload=SimpleUploadedFile("scan.pdf", SCAN, content_type="application/pdf"),
    )
    return var_dir


def restored_letters(database, media):
    """(number, recorded SHA-256, SHA-256 of the file) of every issued letter in ``database``."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=database,
    ) as restored:
        rows = restored.execute(
            "SELECT number, pdf, pdf_sha256, scan, scan_sha256 FROM documents_letterdocument"
            " WHERE NOT is_draft ORDER BY number"
        ).fetchall()
    letters = []
    for number, pdf, pdf_sha256, scan, scan_sha256 in rows:
        letters.append((number, pdf_sha256, hashlib.sha256((media / pdf).read_bytes()).hexdigest()))
        if scan:
            letters.append(
                (f"{number} scan", scan_sha256, hashlib.sha256((media / scan).read_bytes()).hexdigest())
            )
    return letters


def test_a_backup_restored_into_an_empty_database_has_every_issued_letter_intact(
    issued_letters, empty_database, tmp_path
):
    archive = tmp_path / "backup.tar.gz"
    backup = run("backup.sh", str(archive), database=connection.settings_dict["NAME"], var_dir=issued_letters)
    assert backup.returncode == 0, backup.stdout + backup.stderr
    assert archive.exists()

    restored_var = tmp_path / "restored"
    restore = run("restore.sh", str(archive), database=empty_database, var_dir=restored_var)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "2 issued letters intact" in restore.stdout

    letters = restored_letters(empty_database, restored_var / "media")
    expected = sorted(
        [(d.number, d.pdf_sha256) for d in LetterDocument.objects.filter(is_draft=False)]
        + [(f"{d.number} scan", d.scan_sha256) for d in LetterDocument.objects.exclude(scan="")]
    )
    assert sorted((number, recorded) for number, recorded, _ in letters) == expected
    assert len(letters) == 3
    for number, recorded, actual in letters:
        assert actual == recorded, number


def test_restore_refuses_a_database_that_is_not_empty_and_writes_nothing(issued_letters, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    database = connection.settings_dict["NAME"]
    assert run("backup.sh", str(archive), database=database, var_dir=issued_letters).returncode == 0
    before = LetterDocument.objects.count()

    restore = run("restore.sh", str(archive), database=database, var_dir=tmp_path / "elsewhere")
    assert restore.returncode != 0
    assert "is not empty" in restore.stderr
    assert LetterDocument.objects.count() == before
    assert not (tmp_path / "elsewhere" / "media").exists()


def test_restore_refuses_a_damaged_archive(issued_letters, empty_database, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert (
        run(
            "backup.sh", str(archive), database=connection.settings_dict["NAME"], var_dir=issued_letters
        ).returncode
        == 0
    )
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-C", str(unpacked), "-xzf", str(archive)], check=True)
    letter = next(p for p in unpacked.rglob("*.pdf") if "letters" in p.parts and "scans" not in p.parts)
    letter.write_bytes(letter.read_bytes() + b"%")
    damaged = tmp_path / "damaged.tar.gz"
    subprocess.run(["tar", "-C", str(unpacked), "-czf", str(damaged), "."], check=True)

    restore = run("restore.sh", str(damaged), database=empty_database, var_dir=tmp_path / "restored")
    assert restore.returncode != 0
    assert "damaged" in restore.stderr
    assert not (tmp_path / "restored" / "media").exists()
