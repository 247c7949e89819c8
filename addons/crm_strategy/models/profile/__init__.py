# Who the customers are and how they buy: profile, behavioural measures and typology.
from . import crm_profile_tag
from . import crm_typology_rule
from . import crm_customer_measure
from . import res_partner
