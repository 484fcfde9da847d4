from django.db import migrations, models

from blocs.vnsort import fold


def fill_search_text(apps, schema_editor):
    """Fold the name and abbreviation of every existing agency, as ``Agency.clean`` does."""
    Agency = apps.get_model("blocs", "Agency")
    agencies = list(Agency.objects.only("pk", "name", "abbreviation"))
    for agency in agencies:
        agency.search_text = fold(f"{agency.name} {agency.abbreviation}")
    Agency.objects.bulk_update(agencies, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("blocs", "0007_bloc_document_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="historicalagency",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=300),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
