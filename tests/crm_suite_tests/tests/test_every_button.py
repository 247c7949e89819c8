"""Every screen of the suite opens and every button of it works (issue 18, item 2), as a manager on the demo.

1. In headless Chromium, every action of the suite's menus is opened and each of its views rendered (list,
   kanban, form of a record, pivot, graph, the dashboard); an error dialog or a console error fails.
2. Through the web client's own JSON-RPC routes, every visible header and form button of those screens is
   pressed on demo records, as the web client would (list header buttons on a selection), and the action
   it returns is opened. A button may refuse with a readable UserError; anything else is a crash.

Three list header buttons once crashed with "takes 1 positional argument but 2 were given" while 237 tests
passed: this test is the one that presses them."""
import json
import logging
import time
from urllib.parse import urljoin

from lxml import etree

from odoo.addons.crm_strategy.tests.screens import SCREENS, screenshots_on_signal
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import require_suite

_logger = logging.getLogger(__name__)

SUITE = ("crm_strategy", "crm_analytics", "crm_partner_portal")
MANAGER_GROUPS = ",".join([
    "base.group_user", "crm_strategy.group_crm_strategy_manager", "sales_team.group_sale_manager",
    "purchase.group_purchase_manager", "stock.group_stock_user", "account.group_account_invoice",
])
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.RedirectWarning")
RECORDS = 2
PASSWORD = "every-button-1"

RENDER_JS = """
(async () => {
    const actions = %(actions)s;
    const env = odoo.__WOWL_DEBUG__.root.env;
    const { action: actionService, orm } = env.services;
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    async function shoot(name) {
        // the test's console hook takes the screenshot; give it time before the screen changes
        console.log(`screenshot:${name}`);
        await sleep(700);
    }
    async function settle(label) {
        await sleep(150);
        for (let i = 0; i < 100 && document.querySelector(".o_loading_indicator"); i++) {
            await sleep(50);
        }
        const dialog = document.querySelector(".o_error_dialog");
        if (dialog) {
            throw new Error(`${label}: ${dialog.innerText.slice(0, 500)}`);
        }
        if (!document.querySelector(".o_action_manager > .o_action, .o_action_manager > div")) {
            throw new Error(`${label}: nothing rendered`);
        }
    }
    for (const [id, name, slug] of actions) {
        await actionService.doAction(id, { clearBreadcrumbs: true });
        await settle(name);
        await shoot(slug);
        const controller = actionService.currentController;
        const action = controller.action;
        if (action.type !== "ir.actions.act_window") {
            console.log(`rendered ${name}`);
            continue;
        }
        for (const [, viewType] of action.views) {
            if (viewType !== controller.view.type && !["form", "search"].includes(viewType)) {
                await actionService.switchView(viewType);
                await settle(`${name} (${viewType})`);
            }
        }
        const views = action.views.map(([, type]) => type).filter((type) => type !== "search");
        if (views.includes("form") && views.length > 1) {
            const ids = await orm.search(action.res_model, action.domain || [], { limit: 1, context: action.context });
            if (ids.length) {
                await actionService.switchView("form", { resId: ids[0] });
                await settle(`${name} (form of record ${ids[0]})`);
                await shoot(`${slug}-form`);
            }
        }
        console.log(`rendered ${name}: ${views.join(", ")}`);
    }
    console.log("test successful");
})();
"""


@tagged("post_install", "-at_install")
class TestEveryButton(HttpCase):
    browser_size = "1440x900"
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.manager = new_test_user(cls.env, "every_button_manager", groups=MANAGER_GROUPS,
                                    name="Every Button Manager")
        data = cls.env["ir.model.data"].search([("model", "=", "ir.ui.menu"), ("module", "in", SUITE)])
        menus = cls.env["ir.ui.menu"].with_user(cls.manager).browse(data.mapped("res_id")).exists()
        visible = menus._filter_visible_menus()
        cls.actions = [(menu.sudo().action, menu.complete_name) for menu in visible.sorted("complete_name")
                       if menu.sudo().action]

    def _rpc(self, route, params, timeout=180):
        """The web client's JSON-RPC call: (result, error data or None)."""
        response = self.opener.post(urljoin(self.base_url(), route), json={
            "id": 0, "jsonrpc": "2.0", "method": "call", "params": params}, timeout=timeout)
        response.raise_for_status()
        payload = response.json()
        return payload.get("result"), payload.get("error", {}).get("data")

    def _call(self, model, method, args, kwargs=None):
        result, error = self._rpc(f"/web/dataset/call_kw/{model}.{method}", {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}})
        self.assertIsNone(error, f"{model}.{method}: {error and error.get('message')}")
        return result

    def test_every_screen_renders(self):
        actions = [(action.id, name, f"manager-{index:02d}-{name}") for index, (action, name) in
                   enumerate(self.actions, start=1)]
        self.assertGreater(len(actions), 20, "the suite's menus")
        started = time.time() - 1
        for old in SCREENS.glob("manager-*.png"):
            old.unlink()  # screens of an earlier run, whose menus may have moved
        with screenshots_on_signal(SCREENS):
            self.browser_js("/odoo", RENDER_JS % {"actions": json.dumps(actions)},
                            ready="odoo.isReady === true", login=self.manager.login, timeout=900)
        shots = [path for path in SCREENS.glob("manager-*.png") if path.stat().st_mtime >= started]
        self.assertGreaterEqual(len(shots), len(actions), f"a screenshot of every screen in {SCREENS}")

    def test_every_button_works(self):
        self.authenticate(self.manager.login, self.manager.login)
        pressed, refused = [], []
        for action, name in self.actions:
            if action._name != "ir.actions.act_window" or self.env[action.res_model]._transient:
                continue  # client actions have no buttons; wizards' buttons are pressed by their tours
            context = self._eval(action.context, {})
            domain = self._eval(action.domain, [])
            model = action.res_model
            ids = self._call(model, "search", [domain], {"limit": RECORDS, "context": context})
            views = self._call(model, "get_views", [[(False, v) for v in action.view_mode.split(",")]],
                               {"context": context})["views"]
            for view_type in ("list", "form"):
                if view_type not in views:
                    continue
                root = etree.fromstring(views[view_type]["arch"])
                buttons = [b for b in root.iter("button") if b.get("type") in ("object", "action")
                           and (view_type == "form" or b.getparent().tag == "header")]
                for button in buttons:
                    label = f"{name} / {view_type} / {button.get('string') or button.get('name')}"
                    # the web client reloads after a button: a list's selection is read again
                    targets = ([self._call(model, "search", [domain], {"limit": RECORDS, "context": context})]
                               if view_type == "list" else [[record_id] for record_id in ids])
                    for record_ids in targets:
                        if view_type == "form" and not self._visible(button, model, record_ids[0]):
                            continue
                        error = self._press(button, model, record_ids, context, label)
                        (refused if error else pressed).append((label, error))
        _logger.info("pressed %d buttons; %d refused with a message: %s", len(pressed), len(refused), refused)
        self.assertGreater(len(pressed), 30)

    def _visible(self, button, model, record_id):
        """Whether the record still exists and the web client shows the button on it (`invisible`; an
        expression this cannot read counts as visible)."""
        self.env.invalidate_all()
        record = self.env[model].with_user(self.manager).browse(record_id).exists()
        if not record:
            return False  # gone with a previous button (a refresh rewrites its rows)
        expression = button.get("invisible")
        if not expression:
            return True
        values = {}
        for field_name, field in record._fields.items():
            if field.type in ("one2many", "many2many"):
                values[field_name] = []  # read on demand only: evaluated below if the expression names it
            elif field_name in expression:
                value = record[field_name]
                values[field_name] = value.id if field.type == "many2one" else value
        for field_name, field in record._fields.items():
            if field.type in ("one2many", "many2many") and field_name in expression:
                values[field_name] = record[field_name].ids
        try:
            return not safe_eval(expression, {**values, "context": {}, "uid": self.manager.id})
        except Exception:
            return True

    def _press(self, button, model, record_ids, context, label):
        """Press one button; follow the window action it returns. Returns the refusal's message or None."""
        if button.get("type") == "action":
            name = button.get("name")
            result, error = self._rpc("/web/action/load", {"action_id": int(name) if name.isdigit() else name})
        else:
            result, error = self._rpc(f"/web/dataset/call_button/{model}.{button.get('name')}", {
                "model": model, "method": button.get("name"), "args": [record_ids],
                "kwargs": {"context": {**context, **self._eval(button.get("context"), {}, record_ids)}}})
        if error:
            self.assertIn(error.get("name"), REFUSALS, f"{label} crashed: {error.get('message')}\n"
                                                       f"{error.get('debug', '')[-2000:]}")
            return error.get("message")
        if isinstance(result, dict) and result.get("type") == "ir.actions.act_window" and result.get("res_model"):
            domain, context = result.get("domain") or [], result.get("context") or {}
            domain = self._eval(domain, [], record_ids) if isinstance(domain, str) else domain
            context = self._eval(context, {}, record_ids) if isinstance(context, str) else context
            self._call(result["res_model"], "web_search_read", [domain], {
                "specification": {"display_name": {}}, "limit": 5, "context": context})
        return None

    def _eval(self, expression, default, record_ids=()):
        """An action's or a button's domain or context, as the web client evaluates it; an expression on the
        record's own fields is left to the web client (the default is used)."""
        if not expression:
            return default
        try:
            return safe_eval(expression, {"uid": self.manager.id, "active_id": record_ids[0] if record_ids else False,
                                          "active_ids": list(record_ids), "context": {},
                                          "allowed_company_ids": self.manager.company_ids.ids})
        except Exception:
            return default
