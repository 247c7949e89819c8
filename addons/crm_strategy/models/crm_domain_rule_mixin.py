from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime, safe_eval

# a rule is typed by a person: a longer text is a paste error, and echoing it back would flood the client
MAX_RULE_LENGTH = 10000


class CrmDomainRuleMixin(models.AbstractModel):
    """A record whose behaviour is a domain typed by a user (segment rules, typology rules).

    The domain is evaluated in Odoo's sandbox, checked against the target model and
    compiled to SQL at save, so an invalid or unsafe rule never reaches a refresh.
    """

    _name = "crm.domain.rule.mixin"
    _description = "Rule defined by a domain"
    _rule_model = None  # name of the model the domain applies to

    rule_domain = fields.Char(string="Rule", default="[]")

    def _rule_eval_context(self):
        today = fields.Date.context_today(self)
        return {
            "uid": self.env.uid,
            "context_today": lambda: today,
            "datetime": datetime,
            "relativedelta": relativedelta,
            "company_id": self.env.company.id,
            "company_ids": self.env.companies.ids,
        }

    def _get_rule_domain(self):
        """The rule as a Domain; raises ValidationError with a readable message."""
        self.ensure_one()
        text = (self.rule_domain or "[]").strip()
        if len(text) > MAX_RULE_LENGTH:
            raise ValidationError(self.env._("The rule of %(name)s is too long (%(max)s characters at most).",
                                             name=self.display_name, max=MAX_RULE_LENGTH))
        try:
            value = safe_eval(text, self._rule_eval_context())
        except Exception as e:
            raise ValidationError(
                self.env._("The rule of %(name)s is not a valid domain: %(error)s", name=self.display_name,
                           error=str(e)[:200])
            ) from e
        if not isinstance(value, list | tuple):
            raise ValidationError(self.env._("The rule of %(name)s must be a list of conditions.",
                                             name=self.display_name))
        model = self.env[self._rule_model]
        try:
            domain = Domain(value)
            domain.validate(model)
            model._search(domain)  # compiles to SQL: catches bad operators and values
        except Exception as e:
            raise ValidationError(
                self.env._("The rule of %(name)s cannot be applied to %(model)s: %(error)s",
                           name=self.display_name, model=model._description, error=str(e)[:200])
            ) from e
        return domain

    @api.constrains("rule_domain")
    def _check_rule_domain(self):
        for record in self:
            record._get_rule_domain()
