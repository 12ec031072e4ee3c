"""Measure whether the test suite guards the portal's rules: apply deliberate bugs
(mutants) one at a time to a temporary copy of the tree, run the tests that should notice,
and report which bugs the suite lets through.

    .venv/bin/python scripts/mutants.py            # every mutant
    .venv/bin/python scripts/mutants.py letter-year pdf-byte-0   # the named ones
    .venv/bin/python scripts/mutants.py --list

The working tree is never changed: the tree (without .git) is copied once to a temporary
directory, each mutant is a text replacement in one file of that copy, undone after its
run. A mutant is *killed* when its tests fail, *survives* when they pass; a replacement
whose text is no longer in the source is reported as *stale* (the source moved on: update
the mutant). The exit status is 0 only when every mutant was killed.

Tests run with the environment as given (DATABASE_URL and REDIS_URL set: PostgreSQL and
Redis, otherwise SQLite and the embedded broker)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".git", ".venv", "node_modules", "var", "__pycache__", ".pytest_cache", ".ruff_cache"}


@dataclass(frozen=True)
class Mutant:
    """`old` is the text replaced by `new`; a tuple lists the forms the text has had, and
    the first found exactly once is used (a rule rewritten on one branch stays covered)."""

    name: str
    rule: str
    path: str
    old: str | tuple[str, ...]
    new: str
    tests: tuple[str, ...]

    def apply(self, source: str) -> str | None:
        """The mutated source, or None when no form of `old` occurs exactly once."""
        for old in (self.old,) if isinstance(self.old, str) else self.old:
            if source.count(old) == 1:
                return source.replace(old, self.new)
        return None


MUTANTS = [
    Mutant(
        "letter-year",
        "letter numbers restart at 1 each year",
        "documents/services.py",
        'serial = sequence_next(name="letter", year=day.year)',
        'serial = sequence_next(name="letter", year=2000)',
        ("tests/documents/test_services.py", "-k", "restart"),
    ),
    Mutant(
        "letter-utc-date",
        "the letter's year and month are the office's (WITA) date",
        "documents/services.py",
        "day = timezone.localtime(now).date()",
        "day = now.date()",
        ("tests/documents/test_services.py", "-k", "office_date"),
    ),
    Mutant(
        "sequence-no-count",
        "a sequence counts on from its last value (no number given twice)",
        "bp3mi/services.py",
        "sequence.last_value += count",
        "sequence.last_value = count",
        ("tests/bp3mi/test_sequences.py",),
    ),
    Mutant(
        "sequence-per-year",
        "each year has its own counter",
        "bp3mi/services.py",
        "NumberSequence.objects.select_for_update().get(name=name, year=year)",
        "NumberSequence.objects.select_for_update().filter(name=name).earliest('year')",
        ("tests/bp3mi/test_sequences.py",),
    ),
    Mutant(
        "letter-four-eyes",
        "an officer who reviewed the documents may not sign the letter",
        "documents/services.py",
        ("if by.pk in reviewers:", "if reviewed:"),
        "if False:",
        ("tests/documents/test_services.py", "-k", "four_eyes"),
    ),
    Mutant(
        "letter-sign-twice",
        "signing twice gives one letter",
        "documents/services.py",
        "if existing is not None:\n            return existing",
        "if False:\n            return existing",
        ("tests/documents/test_services.py", "-k", "consecutive_numbers"),
    ),
    Mutant(
        "letter-unverified",
        "only a Verified registration gets a letter",
        "documents/services.py",
        "if locked.status != RS.VERIFIED:",
        "if False:",
        ("tests/documents/test_services.py", "-k", "unverified"),
    ),
    Mutant(
        "letter-revoke-reason",
        "revoking a letter needs a reason",
        "documents/services.py",
        'if not reason.strip():\n        raise ValidationError(_("Alasan pencabutan',
        'if False:\n        raise ValidationError(_("Alasan pencabutan',
        ("tests/documents/test_services.py", "-k", "revoking"),
    ),
    Mutant(
        "letter-mask-name",
        "the public letter check shows the name masked",
        "documents/letters.py",
        'return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split())',
        "return name",
        ("tests/documents/test_views.py", "-k", "public_check"),
    ),
    Mutant(
        "reject-note",
        "a rejection carries a note the CPMI can act on",
        "documents/services.py",
        'if not note.strip():\n        raise ValidationError(\n            _("Tulis catatan',
        'if False:\n        raise ValidationError(\n            _("Tulis catatan',
        ("tests/documents/test_services.py", "-k", "rejection_needs"),
    ),
    Mutant(
        "pdf-byte-0",
        "a file is a PDF only when it starts with %PDF- (an HTML page carrying a PDF is not)",
        "documents/uploads.py",
        'if head.startswith(b"%PDF-"):',
        'if b"%PDF-" in head:',
        ("tests/documents/test_uploads.py", "-k", "html"),
    ),
    Mutant(
        "upload-size",
        "a file larger than the limit is refused",
        "documents/uploads.py",
        "if uploaded_file.size > limit:",
        "if False:",
        ("tests/documents/test_uploads.py", "-k", "large or size or limit"),
    ),
    Mutant(
        "pdf-encrypted",
        "a password-protected PDF is refused",
        "documents/uploads.py",
        "if reader.is_encrypted:",
        "if False:",
        ("tests/documents/test_uploads.py", "-k", "encrypted"),
    ),
    Mutant(
        "image-metadata",
        "images are re-encoded without their metadata (EXIF, GPS)",
        "documents/uploads.py",
        "content = _reencode_image(content, file_format)",
        "pass",
        ("tests/documents/test_uploads.py", "-k", "gps"),
    ),
    Mutant(
        "csv-formula",
        "the directory's CSV export escapes formulas",
        "stakeholders/exporting.py",
        "writer.writerow([safe_cell(record[c]) for c in HEADER])",
        "writer.writerow([record[c] for c in HEADER])",
        ("tests/stakeholders", "-k", "csv and formula"),
    ),
    Mutant(
        "xlsx-formula",
        "the directory's XLSX export escapes formulas",
        "stakeholders/exporting.py",
        "sheet.append([safe_cell(record[c]) for c in HEADER])",
        "sheet.append([record[c] for c in HEADER])",
        ("tests/stakeholders", "-k", "xlsx and formula"),
    ),
    Mutant(
        "manual-verified",
        "an officer cannot move a registration to Verified by hand",
        "registrations/services.py",
        "if by_hand and to_status in TRANSITIONS[locked.status] - MANUAL_STATUSES:",
        "if False:",
        ("tests/registrations/test_rules.py", "-k", "by_hand"),
    ),
    Mutant(
        "manual-choices",
        "the status form offers only the moves allowed by hand",
        "registrations/services.py",
        "return TRANSITIONS[status] & MANUAL_STATUSES",
        "return TRANSITIONS[status]",
        ("tests/registrations/test_rules.py", "-k", "manual_moves or by_hand"),
    ),
    Mutant(
        "status-reason",
        "rejection and withdrawal need a reason",
        "registrations/services.py",
        "if to_status in REASON_REQUIRED and not reason.strip():",
        "if False:",
        ("tests/registrations/test_services.py", "-k", "requires_a_reason"),
    ),
    Mutant(
        "scope-documents",
        "a CPMI sees the documents of their own registration only",
        "documents/selectors.py",
        "return registration_scope(user=user).filter(applicant__user=user)",
        "return Registration.objects.all()",
        ("tests/documents/test_views.py", "-k", "permissions"),
    ),
    Mutant(
        "scope-upload",
        "a CPMI uploads into their own registration only",
        "documents/selectors.py",
        "condition |= Q(applicant__user=user)",
        "condition |= Q(pk__isnull=False)",
        ("tests/documents/test_views.py", "-k", "someone_elses"),
    ),
    Mutant(
        "scope-own-pages",
        "the CPMI's own pages show their own registration only",
        "registrations/selectors.py",
        "return Registration.objects.filter(applicant__user=user).select_related(",
        "return Registration.objects.all().select_related(",
        ("tests/registrations/test_views.py", "-k", "another_persons"),
    ),
    Mutant(
        "nik-nfkc",
        "a NIK is normalised (NFKC, no spaces) before it is checked and stored",
        "registrations/nik.py",
        'return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if not ch.isspace())',
        'return value or ""',
        ("tests/registrations/test_rules.py", "-k", "normalises or full_width"),
    ),
    Mutant(
        "nik-ascii",
        "a NIK is 16 ASCII digits (not another script's digits)",
        "registrations/nik.py",
        "if not (nik.isascii() and nik.isdigit()):",
        "if not nik.isdigit():",
        ("tests/registrations/test_rules.py", "-k", "digits_0_to_9"),
    ),
    Mutant(
        "view-audit",
        "an officer opening a person's data is recorded",
        "registrations/services.py",
        "        action=AuditEvent.Action.VIEW,\n        obj=registration.applicant,",
        "        action=AuditEvent.Action.UPDATE,\n        obj=registration.applicant,",
        ("tests/registrations/test_views.py", "-k", "is_logged"),
    ),
    Mutant(
        "public-directory-active",
        "the public directory lists only active stakeholders",
        "stakeholders/models.py",
        "        return self.filter(is_active=True)",
        "        return self.all()",
        ("tests/stakeholders/test_views.py",),
    ),
    Mutant(
        "letter-check-limit",
        "the public letter check is rate limited per address",
        "documents/views.py",
        'if hit(scope="letter-check", key=address, window=window) > settings.LETTER_CHECK_LIMIT:',
        "if False:",
        ("tests/documents/test_views.py", "-k", "rate_limited"),
    ),
    Mutant(
        "csp-unsafe-inline",
        "the content security policy forbids inline scripts",
        "bp3mi/settings.py",
        '"script-src": ["\'self\'"],',
        '"script-src": ["\'self\'", "\'unsafe-inline\'"],',
        ("tests/bp3mi/test_csp.py", "-k", "not_found"),
    ),
    Mutant(
        "inline-script",
        "no page carries an inline script",
        "templates/base.html",
        "</body>",
        '<script>document.body.dataset.js = "1";</script></body>',
        ("tests/bp3mi/test_csp.py", "-k", "anonymous"),
    ),
    Mutant(
        "retention-period",
        "only drafts idle for RETENTION_DRAFT_DAYS are anonymised",
        "documents/retention.py",
        "cutoff = now - datetime.timedelta(days=settings.RETENTION_DRAFT_DAYS)",
        "cutoff = now",
        ("tests/documents/test_retention.py", "-k", "only_drafts_idle"),
    ),
    Mutant(
        "retention-aggregates",
        "anonymising keeps the fields statistics count (sex, region, ...)",
        "documents/retention.py",
        "        applicant.user = None\n",
        '        applicant.user = None\n        applicant.sex = ""\n',
        ("tests/documents/test_retention.py", "-k", "only_drafts_idle"),
    ),
    Mutant(
        "retention-files",
        "anonymising deletes the uploaded files",
        "documents/retention.py",
        "transaction.on_commit(lambda: _delete_files(storage, files))",
        "pass",
        ("tests/documents/test_retention.py", "-k", "only_drafts_idle"),
    ),
    Mutant(
        "retention-audit-values",
        "the audit trail of an anonymised person loses the personal values",
        "documents/retention.py",
        "_redact_audit_trail(applicant=applicant, registrations=drafts)",
        "pass",
        ("tests/documents/test_retention.py", "-k", "audit_trail"),
    ),
    Mutant(
        "access-log-permission",
        "only holders of bp3mi.view_auditevent read a person's access log",
        "documents/views.py",
        'permission_required = ("bp3mi.view_auditevent", "registrations.view_registration")',
        'permission_required = ("registrations.view_registration",)',
        ("tests/documents/test_access_log.py", "-k", "403"),
    ),
    Mutant(
        "access-log-documents",
        "a person's access log includes views of their documents",
        "documents/selectors.py",
        "        Document: Document.objects.filter(registration__in=registrations)",
        "        Document: Document.objects.none().filter(registration__in=registrations)",
        ("tests/documents/test_access_log.py", "-k", "another_officer"),
    ),
    Mutant(
        "case-retention-period",
        "only cases finished more than RETENTION_CLOSED_CASE_DAYS ago are anonymised",
        "complaints/retention.py",
        "cutoff = now - datetime.timedelta(days=settings.RETENTION_CLOSED_CASE_DAYS)",
        "cutoff = now",
        ("tests/complaints/test_retention.py", "-k", "only_cases_finished"),
    ),
    Mutant(
        "case-retention-figures",
        "anonymising a case keeps what the complaint statistics count (kab/kota, ...)",
        "complaints/retention.py",
        "            intake_key=None,\n",
        "            intake_key=None,\n            worker_region=None,\n",
        ("tests/complaints/test_retention.py", "-k", "only_cases_finished"),
    ),
    Mutant(
        "case-retention-reopen",
        "an anonymised case is not reopened",
        "complaints/services.py",
        "        _refuse_if_anonymised(locked)\n        from_status = locked.status",
        "        from_status = locked.status",
        ("tests/complaints/test_retention.py", "-k", "cannot_be_reopened"),
    ),
    Mutant(
        "access-log-case-scope",
        "the access log lists only the complaint cases its reader may see",
        "complaints/selectors.py",
        "        .filter(pk__in=case_scope(user=user))\n",
        "",
        ("tests/complaints/test_person_data.py", "-k", "only_the_cases"),
    ),
    Mutant(
        "export-complainant-data",
        "a person's export holds no other complainant's data",
        "complaints/selectors.py",
        "        if filed_by_person:\n",
        "        if True:\n",
        ("tests/complaints/test_person_data.py", "-k", "without_other_peoples_data"),
    ),
]


def copy_tree(destination: Path) -> None:
    """The tree as it is on disk (committed or not), without .git and installed files;
    .venv and node_modules are linked, not copied."""
    shutil.copytree(ROOT, destination, ignore=lambda _dir, names: [n for n in names if n in SKIP])
    for name in (".venv", "node_modules"):
        if (ROOT / name).exists():
            (destination / name).symlink_to((ROOT / name).resolve())


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, float]:
    started = time.monotonic()
    result = subprocess.run(
        [str(ROOT / ".venv/bin/pytest"), "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    return result.returncode, time.monotonic() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:26} {m.path:28} {m.rule}")
        return 0
    unknown = set(args.names) - {m.name for m in MUTANTS}
    if unknown:
        print(f"unknown mutant(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2

    outcomes: dict[str, list[str]] = {"killed": [], "survived": [], "stale": [], "error": []}
    with tempfile.TemporaryDirectory(prefix="bp3mi-mutants-") as tmp:
        tree = Path(tmp) / "tree"
        copy_tree(tree)
        for mutant in chosen:
            target = tree / mutant.path
            original = target.read_text()
            mutated = mutant.apply(original)
            if mutated is None:
                outcome, seconds = "stale", 0.0
            else:
                target.write_text(mutated)
                try:
                    status, seconds = run_tests(tree, mutant.tests)
                finally:
                    target.write_text(original)
                # pytest: 0 all passed, 1 some failed, 5 no test selected (nothing noticed);
                # anything else is a broken run.
                outcome = {0: "survived", 1: "killed", 5: "survived"}.get(status, "error")
            outcomes[outcome].append(mutant.name)
            print(f"{outcome:9} {mutant.name:26} {seconds:6.1f} s  {mutant.rule}", flush=True)

    killed = len(outcomes["killed"])
    print(f"\n{killed}/{len(chosen)} mutants killed")
    for outcome in ("survived", "stale", "error"):
        if outcomes[outcome]:
            print(f"{outcome}: {', '.join(outcomes[outcome])}")
    return 0 if killed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
