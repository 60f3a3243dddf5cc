import django.db.models.deletion
from django.db import migrations, models


def forget_the_summaries(apps, schema_editor):
    """The report summaries now count each unit's whole subtree (the pages read them so): the rows of the old layout
    would read as nothing above a community. Without them and their refresh, the next catch-up (or the nightly
    refresh) recomputes them, and the pages say the counts are not computed yet until then."""
    apps.get_model("benefits", "ReportFigure").objects.all().delete()
    apps.get_model("benefits", "ReportRefresh").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_notification_pending"),
        ("benefits", "0026_grant_reviews_new_account"),
    ]

    operations = [
        migrations.RunPython(forget_the_summaries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportfigure",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.serviceunit",
            ),
        ),
    ]
