from django.db import migrations

# On SQLite, a second, small FTS5 table holding only the public metadata (number, title, source,
# abstract) beside documents_search, which holds them with the file's text. Finding the
# documents a query matches by their metadata reads this table's short entries instead of
# filtering every entry of the large one by column, a few times cheaper for a common word.
# PostgreSQL already keeps a metadata vector of its own (DocumentText.metadata_vector).
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE documents_search_metadata USING fts5("
    "number, title, source, abstract, tokenize='porter unicode61 remove_diacritics 2')"
)
SQLITE_FILL = (
    "INSERT INTO documents_search_metadata (rowid, number, title, source, abstract) "
    "SELECT rowid, number, title, source, abstract FROM documents_search"
)
SQLITE_DROP = "DROP TABLE IF EXISTS documents_search_metadata"


def create_metadata_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(SQLITE_FILL)


def drop_metadata_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_add_translation_requests_and_resubmission_event"),
    ]

    operations = [migrations.RunPython(create_metadata_index, drop_metadata_index)]
