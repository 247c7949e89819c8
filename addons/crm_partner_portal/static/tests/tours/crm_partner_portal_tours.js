import { registry } from "@web/core/registry";

function inDays(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

registry.category("web_tour.tours").add("crm_partner_portal_acknowledge", {
    steps: () => [
        {
            content: "Acknowledge the order",
            trigger: "button.o_crm_supplier_acknowledge",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order shows as acknowledged",
            trigger: ".o_crm_supplier_acknowledged",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_commit_split", {
    steps: () => [
        {
            content: "First delivery of the first line: 60",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty[data-split='0']",
            run: "edit 60",
        },
        {
            content: "Second delivery: 40",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty[data-split='1']",
            run: "edit 40",
        },
        {
            content: "Second delivery date, three weeks out",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_date[data-split='1']",
            run() {
                this.anchor.value = inDays(21);
            },
        },
        {
            content: "Send the commitments",
            trigger: "button.o_crm_supplier_send_commits",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Confirmation shown",
            trigger: ".o_crm_supplier_committed",
        },
        {
            content: "Both deliveries are listed on the first line",
            trigger: "tr.o_crm_supplier_line:first .o_crm_supplier_line_commits li:eq(1)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_forecast_commit", {
    steps: () => [
        {
            content: "Commit 12 in the first week of the first product",
            trigger: "tr.o_crm_forecast_row:first input.o_crm_forecast_commit[data-week='0']",
            run: "edit 12",
        },
        {
            content: "Send",
            trigger: "button.o_crm_forecast_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Confirmation shown",
            trigger: ".o_crm_forecast_committed",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_upload_bill", {
    steps: () => [
        {
            content: "Choose the bill",
            trigger: "input.o_crm_supplier_bill_file",
            run() {
                const file = new File(["%PDF-1.4\n% tour bill\n"], "tour-bill.pdf", { type: "application/pdf" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Upload it",
            trigger: "button.o_crm_supplier_bill_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Confirmation shown",
            trigger: ".o_crm_supplier_billed",
        },
    ],
});
