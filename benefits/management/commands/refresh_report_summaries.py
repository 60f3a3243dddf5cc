"""Recompute the report summaries now (the ``report-summaries-refresh`` job does it every hour):

python manage.py refresh_report_summaries
"""

from django.core.management.base import BaseCommand

from benefits.reports.services import report_summaries_refresh


class Command(BaseCommand):
    help = "Recompute the supervisors' report summaries (stocks counted today) in one transaction."

    def handle(self, **options):
        refresh = report_summaries_refresh()
        self.stdout.write(f"Report summaries refreshed: {refresh.figures} figures in {refresh.seconds} s.")
