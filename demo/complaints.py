"""Synthetic complaint cases for demonstrations and benchmarks (`seed_demo --complaints N`):
spread over three years, the ministry's categories (the common ones more often), destination
countries, channels, steps and outcomes, mostly from non-procedural workers, as in the
ministry's reports. Inserted in bulk, so 100,000 cases take seconds, not hours."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from bp3mi.bulk import bulk_insert
from bp3mi.models import Country, Region, User
from bp3mi.services import sequence_take
from complaints.choices import (
    CaseChannel,
    CaseStatus,
    ClosureReason,
    ComplainantKind,
    EventKind,
    ResolutionOutcome,
)
from complaints.deadlines import WorkCalendar
from complaints.models import Case, CaseEvent, ComplaintCategory, StepDeadline
from complaints.services import SEQUENCE_NAME, tracking_code_hash
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

# Every synthetic case answers to this tracking code on the public tracking page.
DEMO_TRACKING_CODE = "DEMOKODE22"
BATCH = 5000
DAYS_BACK = 3 * 365

CATEGORY_WEIGHTS = {
    "minta-dipulangkan": 18,
    "gagal-berangkat": 14,
    "gaji-tidak-dibayar": 12,
    "hilang-kontak": 10,
    "tidak-sesuai-perjanjian": 8,
    "sakit": 7,
    "overcharging": 6,
    "penipuan-lowongan": 5,
    "meninggal-dunia": 4,
    "deportasi": 4,
    "kekerasan-majikan": 3,
    "tppo": 3,
    "klaim-jaminan-sosial": 3,
    "dokumen-ditahan": 3,
    "depresi": 2,
    "hamil-memiliki-anak": 1,
    "pelecehan-seksual": 1,
    "lainnya": 2,
}
COUNTRY_WEIGHTS = {
    "MY": 35,
    "SA": 12,
    "TW": 10,
    "HK": 8,
    "SG": 6,
    "KR": 6,
    "JP": 5,
    "BN": 5,
    "AE": 4,
    "QA": 3,
    "PG": 2,
}
CHANNEL_WEIGHTS = {
    CaseChannel.WALK_IN: 30,
    CaseChannel.ONLINE: 20,
    CaseChannel.PHONE: 15,
    CaseChannel.WHATSAPP: 20,
    CaseChannel.EMAIL: 3,
    CaseChannel.LETTER: 4,
    CaseChannel.LAPOR: 8,
}
FIRST = ["La Ode", "Wa Ode", "Andi", "Muhammad", "Siti", "Nur", "Hasan", "Rina", "Sitti", "Arman"]
LAST = ["Rahman", "Hasna", "Saleh", "Jumria", "Kadir", "Mustari", "Halim", "Sumarni", "Baso"]
RELATIONS = ["Ibu", "Ayah", "Suami", "Istri", "Kakak", "Adik", "Anak"]
RECRUITERS = ["calo desa", "sponsor lokal", "PT tidak dikenal", ""]
STORIES = [
    "Tidak dapat dihubungi sejak beberapa bulan; terakhir mengabarkan bekerja di perkebunan.",
    "Gaji tidak dibayar selama enam bulan dan paspor ditahan majikan.",
    "Minta dipulangkan karena sakit dan tidak mendapat perawatan.",
    "Sudah membayar biaya ke perekrut tetapi tidak pernah diberangkatkan.",
    "Pekerjaan tidak sesuai perjanjian kerja; jam kerja lebih dari 14 jam sehari.",
]


def _status_for(age_days: int, rng: random.Random) -> str:
    """Older cases are mostly finished; the last weeks' mostly still open."""
    finished = min(0.95, age_days / 120)
    if rng.random() < finished:
        return CaseStatus.RESOLVED if rng.random() < 0.7 else CaseStatus.CLOSED
    return rng.choices(
        [
            CaseStatus.RECEIVED,
            CaseStatus.VERIFICATION,
            CaseStatus.CLARIFICATION,
            CaseStatus.MEDIATION,
            CaseStatus.REFERRED,
        ],
        [20, 30, 25, 15, 10],
    )[0]


def seed_complaints(wanted: int, rng: random.Random, write=lambda line: None) -> int:
    """Top the cases up to `wanted`; return how many were made."""
    existing = Case.objects.count()
    if existing >= wanted:
        return 0
    categories = {c.code: c for c in ComplaintCategory.objects.all()}
    category_codes = [code for code in CATEGORY_WEIGHTS if code in categories]
    category_weights = [CATEGORY_WEIGHTS[code] for code in category_codes]
    countries = {c.iso_code: c.pk for c in Country.objects.filter(iso_code__in=COUNTRY_WEIGHTS)}
    country_codes = [iso for iso in COUNTRY_WEIGHTS if iso in countries]
    country_weights = [COUNTRY_WEIGHTS[iso] for iso in country_codes]
    channels, channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    regions = list(Region.objects.filter(province_code="74").values_list("pk", flat=True))
    p3mis = list(Stakeholder.objects.filter(kind=StakeholderKind.P3MI).values_list("pk", "name"))
    officers = list(
        User.objects.filter(
            groups__permissions__codename="change_case",
            groups__permissions__content_type__app_label="complaints",
            is_active=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    step_days = dict(StepDeadline.objects.values_list("status", "working_days"))
    closure_reasons, outcomes = ClosureReason.values, ResolutionOutcome.values
    today = timezone.localdate()
    calendar = WorkCalendar.load(
        today - datetime.timedelta(days=DAYS_BACK + 10), today + datetime.timedelta(days=200)
    )
    now = timezone.now()
    made = 0
    for start in range(existing, wanted, BATCH):
        stop = min(start + BATCH, wanted)
        plans = [
            now - datetime.timedelta(days=rng.randint(0, DAYS_BACK), minutes=rng.randint(0, 1440))
            for _i in range(start, stop)
        ]
        by_year: dict[int, int] = {}
        for received in plans:
            by_year[received.year] = by_year.get(received.year, 0) + 1
        with transaction.atomic():
            next_number = {
                year: sequence_take(name=SEQUENCE_NAME, year=year, count=count)
                for year, count in by_year.items()
            }
            cases, events = [], []
            for received in plans:
                number = f"ADU-{received.year}-{next_number[received.year]:05d}"
                next_number[received.year] += 1
                received_on = timezone.localdate(received)
                age = (today - received_on).days
                status = _status_for(age, rng)
                category = categories[rng.choices(category_codes, category_weights)[0]]
                channel = rng.choices(channels, channel_weights)[0]
                roll = rng.random()
                procedural = False if roll < 0.75 else (None if roll < 0.85 else True)
                p3mi_id, p3mi_name = None, ""
                if procedural and p3mis:
                    p3mi_id = rng.choice(p3mis)[0]
                elif procedural is False:
                    p3mi_name = rng.choice(RECRUITERS)
                finished = status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
                step_started = min(today, received_on + datetime.timedelta(days=rng.randint(0, 40)))
                due = None if finished else calendar.add(step_started, step_days.get(status, 5))
                kind = rng.choices(
                    [
                        ComplainantKind.FAMILY,
                        ComplainantKind.WORKER,
                        ComplainantKind.REPRESENTATIVE,
                    ],
                    [70, 22, 8],
                )[0]
                worker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                complainant = (
                    worker
                    if kind == ComplainantKind.WORKER
                    else (f"{rng.choice(FIRST)} {rng.choice(LAST)}")
                )
                cases.append(
                    {
                        "number": number,
                        "tracking_code_hash": tracking_code_hash(
                            number=number, code=DEMO_TRACKING_CODE
                        ),
                        "status": status,
                        "category_id": category.pk,
                        "service_class_id": category.service_class_id,
                        "channel": channel,
                        "lapor_number": f"LAP-{received.year}-{rng.randint(1, 999999):06d}"
                        if channel == CaseChannel.LAPOR
                        else "",
                        "complainant_kind": kind,
                        "complainant_relation": rng.choice(RELATIONS)
                        if kind == ComplainantKind.FAMILY
                        else ("LBH Kendari" if kind == ComplainantKind.REPRESENTATIVE else ""),
                        "complainant_name": complainant,
                        "complainant_phone": f"+62852{rng.randint(0, 99999999):08d}",
                        "complainant_email": "",
                        "worker_name": worker,
                        "worker_nik": "",
                        "worker_passport": "",
                        "worker_sex": rng.choice(["L", "P", "P"]),
                        "worker_region_id": rng.choice(regions) if regions else None,
                        "destination_country_id": countries[
                            rng.choices(country_codes, country_weights)[0]
                        ]
                        if country_codes
                        else None,
                        "employer_name": "",
                        "p3mi_id": p3mi_id,
                        "p3mi_name": p3mi_name,
                        "procedural": procedural,
                        "description": rng.choice(STORIES),
                        "consent": True,
                        "assignee_id": rng.choice(officers)
                        if officers and status != CaseStatus.RECEIVED
                        else None,
                        "sensitive": category.sensitive,
                        "received_at": received,
                        "step_started_on": step_started,
                        "due_date": due,
                        "target_date": calendar.add(
                            received_on, category.service_class.working_days
                        )
                        if category.service_class_id
                        else None,
                        "closed_at": received + datetime.timedelta(days=rng.randint(5, 90))
                        if finished
                        else None,
                        "closure_reason": rng.choice(closure_reasons)
                        if status == CaseStatus.CLOSED
                        else "",
                        "resolution_outcome": rng.choice(outcomes)
                        if status == CaseStatus.RESOLVED
                        else "",
                        "proposed_closure_reason": "",
                    }
                )
            ids = bulk_insert(Case, cases)
            for case_id, row in zip(ids, cases, strict=True):
                events.append(
                    {
                        "case_id": case_id,
                        "kind": EventKind.FILED,
                        "text": f"Pengaduan diterima dengan nomor {row['number']}.",
                        "is_public": True,
                        "to_status": CaseStatus.RECEIVED,
                        "created_at": row["received_at"],
                    }
                )
                if row["status"] != CaseStatus.RECEIVED:
                    events.append(
                        {
                            "case_id": case_id,
                            "kind": EventKind.STATUS,
                            "from_status": CaseStatus.RECEIVED,
                            "to_status": row["status"],
                            "created_at": row["closed_at"] or row["received_at"],
                        }
                    )
            bulk_insert(CaseEvent, events)
        made += len(cases)
        write(f"  {stop}/{wanted}")
    return made
