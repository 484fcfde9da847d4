from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('blocs', '0001_initial'),
        # The values are copied into campaigns.ScoringRules before the columns go.
        ('campaigns', '0002_scoringrules'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='blocterm',
            name='bands',
        ),
        migrations.RemoveField(
            model_name='blocterm',
            name='score_step',
        ),
        migrations.RemoveField(
            model_name='blocterm',
            name='tie_breaks',
        ),
    ]
