import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const CHARTS = ["clv", "whale", "channels", "forecast"];

/** The manager dashboard: KPIs and charts of the stored analytics; every figure opens its records. */
export class CrmAnalyticsDashboard extends Component {
    static template = "crm_analytics.Dashboard";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ filters: { segment_id: "", channel: "", date_from: "", date_to: "" }, data: null });
        this.canvases = Object.fromEntries(CHARTS.map((name) => [name, useRef(`${name}Canvas`)]));
        this.charts = {};
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
            if (this.state.data.refresh.pending) {
                this.poll();
            }
        });
        useEffect(
            () => this.renderCharts(),
            () => [this.state.data]
        );
        onWillUnmount(() => {
            this.destroyCharts();
            clearInterval(this.poller);
        });
    }

    /** Queue a background refresh, then follow its progress until it is done. */
    async refresh() {
        const action = await this.orm.call("crm.customer.metrics", "action_refresh", [[]]);
        await this.action.doAction(action);
        await this.load();
        this.poll();
    }

    poll() {
        clearInterval(this.poller);
        this.poller = setInterval(async () => {
            await this.load();
            if (!this.state.data.refresh.pending) {
                clearInterval(this.poller);
            }
        }, 3000);
    }

    async load() {
        const f = this.state.filters;
        this.state.data = await this.orm.call("crm.analytics.dashboard", "get_dashboard_data", [], {
            segment_id: f.segment_id ? parseInt(f.segment_id) : false,
            channel: f.channel || false,
            date_from: f.date_from || false,
            date_to: f.date_to || false,
        });
    }

    async onFilterChange(name, ev) {
        this.state.filters[name] = ev.target.value;
        await this.load();
    }

    formatMoney(value) {
        const c = this.state.data.currency;
        const amount = (value || 0).toLocaleString(undefined, {
            minimumFractionDigits: 0,
            maximumFractionDigits: 0,
        });
        return c.position === "before" ? `${c.symbol} ${amount}` : `${amount} ${c.symbol}`;
    }

    get kpiCards() {
        const k = this.state.data.kpis;
        const cards = [
            { key: "customers", label: _t("Customers"), value: k.customers.value.toLocaleString() },
            { key: "active", label: _t("Active (P(alive) ≥ 50%)"), value: k.active.value.toLocaleString() },
            { key: "at_risk", label: _t("At risk"), value: k.at_risk.value.toLocaleString() },
            { key: "clv_total", label: _t("Total CLV"), value: this.formatMoney(k.clv_total.value) },
            { key: "clv_average", label: _t("Average CLV"), value: this.formatMoney(k.clv_average.value) },
            { key: "revenue", label: _t("Revenue"), value: this.formatMoney(k.revenue.value) },
            { key: "margin", label: _t("Margin"), value: this.formatMoney(k.margin.value) },
            {
                key: "acquisition_cost",
                label: _t("Acquisition cost per customer"),
                value: this.formatMoney(k.acquisition_cost.value),
            },
            { key: "retention", label: _t("12-month retention"), value: `${k.retention.value.toFixed(1)} %` },
        ];
        // The fit's figures say where they come from: their period, a historical CLV, a C grade.
        const bases = { historical: _t("historical, not a model output"), mixed: _t("model and historical") };
        return cards.map((card) => ({
            ...card,
            period: k[card.key].period || "",
            basis: bases[k[card.key].basis] || "",
            warning: k[card.key].warning || "",
        }));
    }

    gradeClass(grade) {
        return { A: "text-bg-success", B: "text-bg-warning", C: "text-bg-danger" }[grade] || "text-bg-secondary";
    }

    openMetrics(domain, name) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: name || _t("Customers"),
            res_model: "crm.customer.metrics",
            domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    openModel(resModel, name, domain = []) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: resModel,
            domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
        });
    }

    openKpi(card) {
        this.openMetrics(this.state.data.kpis[card.key].domain, card.label);
    }

    openExport() {
        const f = this.state.filters;
        this.action.doAction("crm_analytics.crm_analytics_export_action", {
            additionalContext: {
                default_segment_id: f.segment_id ? parseInt(f.segment_id) : false,
                default_channel: f.channel || false,
                default_date_from: f.date_from || false,
                default_date_to: f.date_to || false,
            },
        });
    }

    get rfmRows() {
        const cells = {};
        let max = 1;
        for (const cell of this.state.data.rfm_grid) {
            cells[`${cell.r}-${cell.f}`] = cell;
            max = Math.max(max, cell.count);
        }
        // the grid's side follows the RFM bins of the settings (scores 1..bins, best last)
        const scores = Array.from({ length: this.state.data.rfm_bins || 5 }, (_, i) => i + 1);
        return [...scores].reverse().map((r) => ({
            r,
            cells: scores.map((f) => {
                const cell = cells[`${r}-${f}`] || { r, f, count: 0, domain: null };
                return { ...cell, style: `background-color: rgba(33, 113, 181, ${(0.1 + (0.9 * cell.count) / max).toFixed(2)})` };
            }),
        }));
    }

    get cohortTable() {
        const rows = {};
        const ages = new Set();
        for (const cell of this.state.data.cohorts) {
            rows[cell.cohort] = rows[cell.cohort] || { cohort: cell.cohort, size: cell.size, domain: cell.domain, cells: {} };
            rows[cell.cohort].cells[cell.age] = cell.retention;
            ages.add(cell.age);
        }
        const ageList = [...ages].sort((a, b) => a - b);
        return {
            ages: ageList,
            rows: Object.values(rows).map((row) => ({
                ...row,
                values: ageList.map((age) => {
                    const value = row.cells[age];
                    return {
                        age,
                        text: value === undefined ? "" : `${value.toFixed(0)}%`,
                        style:
                            value === undefined
                                ? ""
                                : `background-color: rgba(46, 125, 50, ${(0.08 + (0.92 * value) / 100).toFixed(2)})`,
                    };
                }),
            })),
        };
    }

    destroyCharts() {
        for (const chart of Object.values(this.charts)) {
            chart.destroy();
        }
        this.charts = {};
    }

    renderCharts() {
        if (!this.state.data || !this.canvases.clv.el) {
            return;
        }
        this.destroyCharts();
        const data = this.state.data;
        const click = (items, handler) => (event, elements) => {
            if (elements.length) {
                handler(items[elements[0].index]);
            }
        };
        this.charts.clv = new Chart(this.canvases.clv.el, {
            type: "bar",
            data: {
                labels: data.clv_distribution.map((b) => `${this.formatMoney(b.low)} – ${this.formatMoney(b.high)}`),
                datasets: [{ label: _t("Customers"), data: data.clv_distribution.map((b) => b.count), backgroundColor: "#1f77b4" }],
            },
            options: {
                onClick: click(data.clv_distribution, (b) => this.openMetrics(b.domain, _t("CLV bin"))),
                plugins: { legend: { display: false } },
            },
        });
        this.charts.whale = new Chart(this.canvases.whale.el, {
            type: "line",
            data: {
                labels: data.whale_curve.map((p) => `${p.customers_pct.toFixed(0)}%`),
                datasets: [{ label: _t("Cumulative profit (%)"), data: data.whale_curve.map((p) => p.profit_pct), borderColor: "#2ca02c" }],
            },
            options: { onClick: () => this.openModel("crm.customer.profitability", _t("Customer profitability")) },
        });
        this.charts.channels = new Chart(this.canvases.channels.el, {
            type: "bar",
            data: {
                labels: data.channels.map((c) => c.channel),
                datasets: [
                    { label: _t("CLV per customer"), data: data.channels.map((c) => c.clv_per_customer), backgroundColor: "#ff7f0e" },
                    { label: _t("Customers"), data: data.channels.map((c) => c.customers), backgroundColor: "#9467bd", yAxisID: "y1" },
                ],
            },
            options: {
                onClick: click(data.channels, (c) => this.openMetrics(c.domain, c.channel)),
                scales: { y1: { position: "right", grid: { drawOnChartArea: false } } },
            },
        });
        this.charts.forecast = new Chart(this.canvases.forecast.el, {
            type: "line",
            data: {
                labels: data.forecast.map((f) => f.month),
                datasets: [
                    { label: _t("Actual"), data: data.forecast.map((f) => (f.future ? null : f.actual)), borderColor: "#1f77b4" },
                    { label: _t("Run-rate"), data: data.forecast.map((f) => f.run_rate), borderColor: "#7f7f7f", borderDash: [4, 4] },
                    { label: _t("Forecast"), data: data.forecast.map((f) => (f.future ? f.forecast : null)), borderColor: "#d62728" },
                ],
            },
            options: { onClick: () => this.openModel("crm.revenue.forecast", _t("Revenue forecast")) },
        });
    }
}

registry.category("actions").add("crm_analytics.dashboard", CrmAnalyticsDashboard);
