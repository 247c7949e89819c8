from . import crm_analytics_export
