"""Supervisors' reports: the figures and the lists behind them, the hourly summaries, charts and workbooks."""
