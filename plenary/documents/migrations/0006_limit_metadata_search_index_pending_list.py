from django.db import migrations

# On PostgreSQL, a GIN index keeps the entries of recent changes in a pending list, which every
# search through the index reads in full until the list reaches gin_pending_list_limit (4 MB by
# default) and is merged into the index. The metadata's index gets a few short entries for each
# document indexed, so its list fills slowly and stays long: after 50,000 documents were indexed
# it held 470 pages, and each of a query's searches through the metadata read them all (about
# 3 ms of the 15 a query took to find its newest matches). At 256 kB the list is merged every few
# hundred documents: a search reads at most 32 pages of it, and indexing is a few percent slower
# (turning the list off would cost a fifth). The files' index keeps its default: its entries
# are large, its list is merged every few dozen documents, and a smaller list would cost
# indexing a third of its speed.
POSTGRES_FORWARD = [
    "ALTER INDEX documenttext_metadata_gin SET (gin_pending_list_limit = 256)",
    "SELECT gin_clean_pending_list('documenttext_metadata_gin')",
]
POSTGRES_BACKWARD = ["ALTER INDEX documenttext_metadata_gin RESET (gin_pending_list_limit)"]


def limit_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def reset_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_add_index_of_documents_open_to_all"),
    ]

    operations = [migrations.RunPython(limit_pending_list, reset_pending_list)]
