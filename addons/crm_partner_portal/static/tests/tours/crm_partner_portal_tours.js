import { registry } from "@web/core/registry";

function inDays(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

// Send the forecast form and wait for the confirmation: the end of every forecast commit tour.
function sendForecastSteps() {
    return [
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
    ];
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
            content: "Add a second delivery to the first line",
            trigger: "tr.o_crm_supplier_line:first button.o_crm_add_split",
            run: "click",
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
            content: "Commit 12 in the first week where the first product has a requirement",
            trigger: "tr.o_crm_forecast_row:first input.o_crm_forecast_commit:first",
            run: "edit 12",
        },
        ...sendForecastSteps(),
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
        {
            content: "The bill is listed on the order, highlighted, with its upload date and status",
            trigger: "tr.o_crm_supplier_bill_row.table-success:contains(tour-bill.pdf):contains(Received)",
        },
        {
            content: "and it can be downloaded",
            trigger: "tr.o_crm_supplier_bill_row:contains(tour-bill.pdf) a.o_crm_supplier_bill_download",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_bad_value_kept", {
    steps: () => [
        {
            content: "A bad quantity in the first delivery of the first line",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty[data-split='0']",
            run: "edit ten",
        },
        {
            content: "Add a second delivery to the first line",
            trigger: "tr.o_crm_supplier_line:first button.o_crm_add_split",
            run: "click",
        },
        {
            content: "A good second delivery",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty[data-split='1']",
            run: "edit 40",
        },
        {
            content: "Its date, three weeks out",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_date[data-split='1']",
            run() {
                this.anchor.value = inDays(21);
            },
        },
        {
            content: "Reject the second line with a reason",
            trigger: "tr.o_crm_supplier_line:eq(1) input.o_crm_reason",
            run: "edit Out of stock until spring",
        },
        {
            content: "Send",
            trigger: "button.o_crm_supplier_send_commits",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The refusal says nothing was changed",
            trigger: ".o_crm_form_error:contains(Nothing was changed)",
        },
        {
            content: "The bad field is marked, its error next to it",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty.is-invalid[data-split='0']",
            run() {
                if (this.anchor.value !== "ten") {
                    throw new Error(`typed value lost: "${this.anchor.value}"`);
                }
            },
        },
        {
            content: "with a readable message",
            trigger: "tr.o_crm_supplier_line:first .o_crm_field_error:contains(is not a number)",
        },
        {
            content: "The other typed values are kept",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty[data-split='1']",
            run() {
                const date = document.querySelector(
                    "tr.o_crm_supplier_line input.o_crm_date[data-split='1']"
                ).value;
                const reason = document.querySelectorAll("input.o_crm_reason")[1].value;
                if (this.anchor.value !== "40" || date !== inDays(21) || reason !== "Out of stock until spring") {
                    throw new Error(`typed values lost: ${this.anchor.value} ${date} ${reason}`);
                }
            },
        },
        {
            content: "Correct the quantity",
            trigger: "tr.o_crm_supplier_line:first input.o_crm_qty[data-split='0']",
            run: "edit 60",
        },
        {
            content: "Send again",
            trigger: "button.o_crm_supplier_send_commits",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Accepted",
            trigger: ".o_crm_supplier_committed",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_forecast_toggle", {
    steps: () => [
        {
            content: "A product with a requirement: its full name and reference",
            trigger: "tr.o_crm_forecast_row:contains(Hex bolt M8 with a very long name):contains([HB-M8])",
        },
        {
            content: "By default no product without a requirement",
            trigger: "a.o_crm_forecast_toggle[aria-pressed=false]",
            run() {
                const names = [...document.querySelectorAll(".o_crm_forecast_product_name")].map((n) => n.textContent);
                if (names.includes("Flat washer M8")) {
                    throw new Error(`a product without requirement is shown: ${names}`);
                }
            },
        },
        {
            content: "The chart has titled axes and a legend",
            trigger: ".o_crm_forecast_chart .o_crm_chart_y_title:contains(Quantity)",
        },
        {
            content: "with the period and its year",
            trigger: ".o_crm_forecast_chart .o_crm_chart_x_title:contains(Week starting)",
        },
        {
            content: "Show all products",
            trigger: "a.o_crm_forecast_toggle",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The product without requirement is listed, without an input",
            trigger: "tr.o_crm_forecast_row:contains(Flat washer M8)",
            run() {
                if (this.anchor.querySelector("input.o_crm_forecast_commit")) {
                    throw new Error("an input where the vendor has nothing to answer");
                }
            },
        },
        {
            content: "Back to the products with a requirement",
            trigger: "a.o_crm_forecast_toggle[aria-pressed=true]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Filtered again",
            trigger: "a.o_crm_forecast_toggle[aria-pressed=false]",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_no_overflow", {
    steps: () => [
        {
            content: "The page is drawn",
            trigger: "#wrap .o_portal_wrap, #wrap",
        },
        {
            content: "The page does not scroll sideways",
            trigger: "body",
            run() {
                const over = document.documentElement.scrollWidth - window.innerWidth;
                if (over > 0) {
                    const wide = [...document.querySelectorAll("body *")]
                        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
                        .slice(0, 5)
                        .map((el) => `${el.tagName}.${el.className}`);
                    throw new Error(`the page overflows by ${over}px at ${window.innerWidth}px: ${wide}`);
                }
            },
        },
        {
            content: "A screenshot for review (saved by the test under .state/screens)",
            trigger: "body",
            async run() {
                console.log(`screenshot:vendor-${window.innerWidth}${location.pathname}${location.search}`);
                await new Promise((resolve) => setTimeout(resolve, 700));
            },
        },
    ],
});

// The forecast loop: the vendor commits what it is asked for in the first week of the first product; the
// commitment is ordered on a draft RFQ at once (the test checks the RFQ, receives it and reads the scorecard).
registry.category("web_tour.tours").add("crm_partner_portal_forecast_loop", {
    steps: () => [
        {
            content: "The vendor is asked for 30 in the first week of the first product",
            trigger: "tr.o_crm_forecast_row:first td:has(input.o_crm_forecast_commit) .o_crm_forecast_asked:contains(30.00)",
        },
        {
            content: "Commit the 30 asked",
            trigger: "tr.o_crm_forecast_row:first input.o_crm_forecast_commit:first",
            run: "edit 30",
        },
        ...sendForecastSteps(),
        {
            content: "The week shows as ordered",
            trigger: "tr.o_crm_forecast_row:first .o_crm_forecast_state:contains(Ordered)",
        },
    ],
});
