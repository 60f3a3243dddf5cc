"""Screening: records turned into facts, every program decided on them, the what-if screener and the nightly proactive
service (主动服务)."""
