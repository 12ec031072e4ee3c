"""The document types of DOMAIN.md (UU 18/2017 Pasal 13 and what registration asks in
practice), with the scheme and stage each is required for. Loaded by a data migration;
administrators change them later in the admin."""

MB = 1024 * 1024
ALL = ["pdf", "jpeg", "png"]
PDF = ["pdf"]

# (code, name, explanation, formats, max bytes, has expiry, stage, schemes it is NOT for)
DOCUMENT_TYPES = [
    (
        "ktp",
        "KTP",
        "Kartu Tanda Penduduk elektronik, foto sisi depan yang jelas.",
        ALL,
        2 * MB,
        False,
        "pendaftaran",
        [],
    ),
    (
        "kk",
        "Kartu Keluarga",
        "Kartu Keluarga terbaru yang memuat nama Anda.",
        ALL,
        3 * MB,
        False,
        "pendaftaran",
        [],
    ),
    (
        "akta_lahir",
        "Akta kelahiran",
        "Akta kelahiran dari Dinas Kependudukan dan Pencatatan Sipil.",
        ALL,
        3 * MB,
        False,
        "pendaftaran",
        [],
    ),
    (
        "ijazah",
        "Ijazah terakhir",
        "Ijazah pendidikan terakhir Anda.",
        ALL,
        3 * MB,
        False,
        "pendaftaran",
        [],
    ),
    (
        "status_kawin",
        "Surat keterangan status perkawinan atau buku nikah",
        "Surat keterangan belum/sudah kawin dari desa/kelurahan; bila menikah, lampirkan buku nikah.",
        ALL,
        5 * MB,
        False,
        "pendaftaran",
        [],
    ),
    (
        "izin_keluarga",
        "Surat izin keluarga",
        "Surat izin suami/istri, orang tua atau wali, diketahui kepala desa/lurah (UU 18/2017 Pasal 13).",
        ALL,
        5 * MB,
        False,
        "pendaftaran",
        [],
    ),
    (
        "sertifikat_kompetensi",
        "Sertifikat kompetensi kerja",
        "Sertifikat dari lembaga pelatihan atau uji kompetensi sesuai jabatan.",
        ALL,
        5 * MB,
        True,
        "verifikasi",
        [],
    ),
    (
        "surat_sehat",
        "Surat keterangan sehat",
        "Hasil pemeriksaan kesehatan dan psikologi dari sarana kesehatan yang ditunjuk, paling lama 3 bulan.",
        PDF + ["jpeg", "png"],
        5 * MB,
        True,
        "verifikasi",
        [],
    ),
    (
        "paspor",
        "Paspor",
        "Halaman identitas paspor yang masih berlaku.",
        ALL,
        3 * MB,
        True,
        "verifikasi",
        [],
    ),
    (
        "visa_kerja",
        "Visa kerja",
        "Visa kerja sesuai negara dan jabatan tujuan.",
        ALL,
        3 * MB,
        True,
        "verifikasi",
        [],
    ),
    (
        "perjanjian_penempatan",
        "Perjanjian penempatan",
        "Perjanjian penempatan yang ditandatangani dengan P3MI di hadapan petugas dinas.",
        PDF,
        5 * MB,
        False,
        "verifikasi",
        ["mandiri"],
    ),
    (
        "perjanjian_kerja",
        "Perjanjian kerja",
        "Perjanjian kerja dengan pemberi kerja, memuat hal-hal dalam UU 18/2017 Pasal 15.",
        PDF,
        5 * MB,
        False,
        "pemberangkatan",
        [],
    ),
    (
        "bpjs",
        "Kartu BPJS Ketenagakerjaan",
        "Kartu atau bukti kepesertaan BPJS Ketenagakerjaan.",
        ALL,
        2 * MB,
        False,
        "verifikasi",
        [],
    ),
    (
        "skck",
        "SKCK",
        "Surat Keterangan Catatan Kepolisian yang masih berlaku.",
        ALL,
        3 * MB,
        True,
        "verifikasi",
        [],
    ),
]

SCHEMES = ["g2g", "p2p", "ukps", "mandiri"]


def load_document_types(apps=None):
    """Create the document types and their requirements that do not exist yet."""
    if apps is None:
        from django.apps import apps
    document_type_model = apps.get_model("documents", "DocumentType")
    requirement_model = apps.get_model("documents", "DocumentRequirement")
    for position, (
        code,
        name,
        explanation,
        formats,
        max_bytes,
        expiry,
        stage,
        not_for,
    ) in enumerate(DOCUMENT_TYPES, start=1):
        document_type, created = document_type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "explanation": explanation,
                "accepted_formats": formats,
                "max_bytes": max_bytes,
                "has_expiry": expiry,
                "position": position,
            },
        )
        if not created:
            continue
        schemes = [""] if not not_for else [s for s in SCHEMES if s not in not_for]
        for scheme in schemes:
            requirement_model.objects.create(
                document_type=document_type, scheme=scheme, stage=stage
            )
