from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_add_metadata_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(
                    ("is_public", True), ("kind", "collective_letter"), _connector="OR"
                ),
                fields=["id"],
                name="document_open_to_all",
            ),
        ),
    ]
