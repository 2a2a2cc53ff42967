# A body's own review body and court for its letters (empty: the rule, or the site's settings)

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('gongkai_web', '0003_roster'),
    ]

    operations = [
        migrations.AddField(
            model_name='body',
            name='review_body',
            field=models.CharField(blank=True, help_text='本机关文书中写的行政复议机关；留空则按本机关的类型和所在区划确定（或用站点设置文件中的）', max_length=200, verbose_name='行政复议机关'),
        ),
        migrations.AddField(
            model_name='body',
            name='court',
            field=models.CharField(blank=True, help_text='本机关文书中写的行政诉讼管辖法院；留空则用站点设置文件中的', max_length=200, verbose_name='管辖法院'),
        ),
    ]
