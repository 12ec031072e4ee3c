import pytest
from django.core.management import call_command
from stdnum.id import nik

from bp3mi.models import Region, User
from registrations.models import Applicant, Registration
from stakeholders.models import Licence, Stakeholder


def counts():
    return (
        User.objects.count(),
        Region.objects.count(),
        Stakeholder.objects.count(),
        Licence.objects.count(),
        Applicant.objects.count(),
        Registration.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_twice_creates_no_duplicates():
    call_command("seed_demo", registrations=60, verbosity=0)
    first = counts()
    call_command("seed_demo", registrations=60, verbosity=0)
    assert counts() == first
    users, regions, stakeholders, licences, applicants, registrations = first
    assert users == 6 and regions == 17 and stakeholders >= 12
    assert applicants == registrations == 60


@pytest.mark.django_db
def test_seeded_registrations_are_spread_and_valid():
    call_command("seed_demo", registrations=200, verbosity=0)
    assert Applicant.objects.values("region").distinct().count() >= 10
    assert all(nik.is_valid(a.nik) for a in Applicant.objects.all())
    numbers = list(Registration.objects.exclude(number=None).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_a_used_database_alone(make_user):
    make_user()
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert Stakeholder.objects.count() == 0


@pytest.mark.django_db
def test_every_demo_account_signs_in_and_reaches_its_dashboard(client):
    from demo.management.commands.seed_demo import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_USERS

    call_command("seed_demo", verbosity=0)
    for role, local, _name, _staff in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        response = client.post("/akun/masuk/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, role
        user = User.objects.get(email=email)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert client.get("/dasbor/").status_code == 200
        client.post("/akun/keluar/")


@pytest.mark.django_db
def test_seed_demo_stakeholders_option_tops_up_to_that_many_invented_ones():
    call_command("seed_demo", stakeholders=40, verbosity=0)
    synthetic = Stakeholder.objects.filter(email__endswith="@mitra.demo.bp3mi.test")
    assert synthetic.count() == 40
    assert all(" Contoh " in name for name in synthetic.values_list("name", flat=True))
    assert synthetic.values("kind").distinct().count() >= 4
    p3mis = synthetic.filter(kind="p3mi")
    assert p3mis.exists()
    assert Licence.objects.filter(stakeholder__in=p3mis, kind="sip3mi").count() == p3mis.count()
    call_command("seed_demo", stakeholders=40, verbosity=0)
    assert synthetic.count() == 40
    call_command("seed_demo", stakeholders=55, verbosity=0)
    assert synthetic.count() == 55
    assert len(set(synthetic.values_list("name", flat=True))) == 55


def index_names():
    from django.db import connection

    with connection.cursor() as cursor:
        return {
            table: sorted(
                name
                for name, info in connection.introspection.get_constraints(cursor, table).items()
                if info["index"]
            )
            for table in ("registrations_applicant", "registrations_registration")
        }


@pytest.mark.django_db
def test_a_large_seed_builds_the_indexes_again_after_the_load(monkeypatch):
    from demo.management.commands import seed_demo

    before = index_names()
    monkeypatch.setattr(seed_demo, "SUSPEND_INDEXES_FROM", 10)
    call_command("seed_demo", registrations=30, verbosity=0)
    assert Registration.objects.count() == 30
    assert index_names() == before
    assert "registration_submitted_id" in before["registrations_registration"]


@pytest.mark.django_db
def test_seeded_complaints_are_spread_valid_and_not_duplicated():
    from complaints.choices import CaseStatus
    from complaints.models import Case
    from complaints.services import case_track
    from demo.complaints import DEMO_TRACKING_CODE

    call_command("seed_demo", complaints=300, verbosity=0)
    call_command("seed_demo", complaints=300, verbosity=0)
    assert Case.objects.count() == 300
    assert Case.objects.values("category").distinct().count() >= 10
    assert Case.objects.values("destination_country").distinct().count() >= 6
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert (
        Case.objects.filter(procedural=False).count() > Case.objects.filter(procedural=True).count()
    )
    assert Case.objects.filter(sensitive=True).exists()
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    some = Case.objects.order_by("?").first()
    assert case_track(number=some.number, code=DEMO_TRACKING_CODE) == some
    assert some.events.filter(kind="filed").count() == 1


@pytest.mark.django_db
def test_demo_officers_have_a_nip_for_their_letters_and_the_cpmi_none():
    from demo.management.commands.seed_demo import DEMO_DOMAIN

    call_command("seed_demo", verbosity=0)
    kepala = User.objects.get(email=f"kepala@{DEMO_DOMAIN}")
    assert len(kepala.nip) == 18 and kepala.nip.isdigit()
    kepala.full_clean()
    assert User.objects.get(email=f"cpmi@{DEMO_DOMAIN}").nip == ""


@pytest.mark.django_db(transaction=True)
def test_a_seed_leaves_its_tables_vacuumed_so_index_only_scans_skip_the_table():
    """The directory's counts per stakeholder read the (role, status) indexes alone only
    where the visibility map says the table's pages are all visible: a seeded database is
    measured at once, autovacuum may be late or off, so seed_demo vacuums what it loaded."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    call_command("seed_demo", registrations=300, stakeholders=30, complaints=20, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [
                [
                    "registrations_registration",
                    "registrations_applicant",
                    "stakeholders_stakeholder",
                    "complaints_case",
                ]
            ],
        )
        visible = dict(cursor.fetchall())
    assert len(visible) == 4 and all(pages > 0 for pages in visible.values()), visible
