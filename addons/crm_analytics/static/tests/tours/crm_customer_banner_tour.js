import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

const BANNER = ".o_form_view .o_crm_customer_banner";

function callKw(model, method, args, kwargs = {}) {
    return rpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs });
}

function digits(text) {
    return text.replace(/[^0-9]/g, "");
}

/** The figures of the banner against the customer's metrics row, read on their own over RPC. */
async function checkFigures() {
    const orderId = parseInt(window.location.pathname.split("/").pop());
    const [order] = await callKw("sale.order", "read", [[orderId], ["partner_id", "company_id"]]);
    const [partner] = await callKw("res.partner", "read", [[order.partner_id[0]], ["commercial_partner_id"]]);
    const [row] = await callKw("crm.customer.metrics", "search_read", [
        [["partner_id", "=", partner.commercial_partner_id[0]], ["company_id", "=", order.company_id[0]]],
        ["clv", "p_alive", "segment_id", "clv_model_id"],
    ]);
    const [fit] = await callKw("crm.clv.model", "read", [[row.clv_model_id[0]], ["backtest_grade"]]);
    const banner = document.querySelector(BANNER);
    const text = (selector) => banner.querySelector(selector).textContent;
    const errors = [];
    if (!text(".o_crm_banner_segment").includes(row.segment_id[1])) {
        errors.push(`segment ${text(".o_crm_banner_segment")} is not ${row.segment_id[1]}`);
    }
    const clv = text(".o_crm_banner_clv");
    if (!digits(clv).includes(digits(Math.abs(row.clv).toFixed(2)))) {
        errors.push(`CLV ${clv} is not ${row.clv.toFixed(2)}`);
    }
    if (!clv.includes(`${fit.backtest_grade} - `)) {
        errors.push(`CLV grade in ${clv} is not ${fit.backtest_grade}`);
    }
    const shown = parseFloat(text(".o_crm_banner_p_alive").replace(/[^0-9.]/g, ""));
    if (Math.abs(shown - 100 * row.p_alive) > 0.05) {
        errors.push(`P(alive) ${shown} is not ${100 * row.p_alive}`);
    }
    if (errors.length) {
        throw new Error(`Customer banner: ${errors.join("; ")}`);
    }
}

/** The profit of the banner against the customer profitability (the P&L's twelve months), read on its own. */
async function checkProfit() {
    const orderId = parseInt(window.location.pathname.split("/").pop());
    const [order] = await callKw("sale.order", "read", [[orderId], ["partner_id", "company_id"]]);
    const [partner] = await callKw("res.partner", "read", [[order.partner_id[0]], ["commercial_partner_id"]]);
    const rows = await callKw("crm.customer.profitability", "search_read", [
        [["partner_id", "=", partner.commercial_partner_id[0]], ["company_id", "=", order.company_id[0]]],
        ["profit"],
    ]);
    const profit = rows.reduce((total, row) => total + row.profit, 0);
    const shown = document.querySelector(`${BANNER} .o_crm_banner_profit .o_field_widget[name=crm_banner_profit]`);
    if (digits(shown.textContent) !== digits(Math.abs(profit).toFixed(2))) {
        throw new Error(`Customer banner: profit ${shown.textContent} is not ${profit.toFixed(2)}`);
    }
}

/** A salesperson opens a quotation of a customer: the banner above the form gives the customer's segment and
 * strategy action, CLV with its grade and P(alive), equal to the metrics; the profit is not for them. */
registry.category("web_tour.tours").add("crm_customer_banner_tour", {
    steps: () => [
        { trigger: `${BANNER} .o_crm_banner_segment .o_field_widget[name=crm_banner_action]:not(:empty)` },
        { trigger: `${BANNER} .o_crm_banner_clv`, content: "CLV and its grade" },
        { trigger: `${BANNER} .o_crm_banner_p_alive`, content: "P(alive)", run: checkFigures },
        { trigger: `${BANNER}:not(:has(.o_crm_banner_profit))`, content: "No customer profit for a salesperson" },
    ],
});

/** A sales manager sees the customer's profit too, with its twelve months and their years. */
registry.category("web_tour.tours").add("crm_customer_banner_manager_tour", {
    steps: () => [
        { trigger: `${BANNER} .o_crm_banner_p_alive`, run: checkFigures },
        {
            trigger: `${BANNER} .o_crm_banner_profit .o_field_widget[name=crm_banner_profit_period]:contains(20)`,
            content: "Profit with its period and year",
            run: checkProfit,
        },
    ],
});
