"""Console routes for register import and export (filled in by the import work)."""

urlpatterns = []
