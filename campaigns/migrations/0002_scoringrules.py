import campaigns.ranking
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def copy_term_rules(apps, schema_editor):
    BlocTerm = apps.get_model("blocs", "BlocTerm")
    ScoringRules = apps.get_model("campaigns", "ScoringRules")
    ScoringRules.objects.bulk_create(
        ScoringRules(
            term_id=term.pk,
            bands=term.bands,
            tie_breaks=term.tie_breaks,
            score_step=term.score_step,
        )
        for term in BlocTerm.objects.all()
    )


def copy_back(apps, schema_editor):
    BlocTerm = apps.get_model("blocs", "BlocTerm")
    ScoringRules = apps.get_model("campaigns", "ScoringRules")
    for rules in ScoringRules.objects.all():
        BlocTerm.objects.filter(pk=rules.term_id).update(
            bands=rules.bands, tie_breaks=rules.tie_breaks, score_step=rules.score_step
        )


class Migration(migrations.Migration):

    dependencies = [
        ('blocs', '0001_initial'),
        ('campaigns', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoringRules',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bands', models.JSONField(default=campaigns.ranking.default_bands, verbose_name='ngưỡng xếp loại')),
                ('tie_breaks', models.JSONField(default=campaigns.ranking.default_tie_breaks, verbose_name='tiêu chí phân định khi bằng điểm')),
                ('score_step', models.DecimalField(decimal_places=2, default=Decimal('0.25'), max_digits=4, verbose_name='bước điểm')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='sửa lúc')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người sửa')),
                ('term', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='scoring_rules', to='blocs.blocterm', verbose_name='năm thi đua')),
            ],
            options={
                'verbose_name': 'quy tắc chấm điểm của năm',
                'verbose_name_plural': 'quy tắc chấm điểm của năm',
                'constraints': [models.CheckConstraint(condition=models.Q(('score_step__gte', 0)), name='campaigns_scoringrules_step_nonnegative')],
            },
        ),
        migrations.RunPython(copy_term_rules, copy_back),
    ]
