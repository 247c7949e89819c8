import { registry } from "@web/core/registry";

function daysAgo(days) {
    return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

function chooseFile(input, name, text) {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], name, { type: "text/csv" }));
    input.files = transfer.files;
}

registry.category("web_tour.tours").add("crm_partner_portal_order_list_acknowledge", {
    steps: () => [
        {
            content: "Odoo's order list shows the request waiting for an acknowledgement",
            trigger: "td.o_crm_supplier_order_answer:contains(To acknowledge)",
        },
        {
            content: "Open it",
            trigger: "tr:has(td.o_crm_supplier_order_answer:contains(To acknowledge)) td:first a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's order page, with the vendor's answer section: acknowledge",
            trigger: "#supplier_answer button.o_crm_supplier_acknowledge",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order shows as acknowledged",
            trigger: "#supplier_answer .o_crm_supplier_acknowledged",
        },
        {
            content: "Back to the requests for quotation",
            trigger: ".o_portal_submenu a[href^='/my/rfq']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The list says so too",
            trigger: "td.o_crm_supplier_order_answer:contains(Acknowledged)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_partner_portal_vendor_scorecard", {
    steps: () => [
        {
            content: "Open the scorecard from the supplier home",
            trigger: "a.o_crm_scorecard_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Commitment reliability: 45 delivered of 50 committed",
            trigger: ".o_crm_scorecard_reliability:contains(90.0 %):contains(Delivered 45 of 50 committed)",
        },
        {
            content: "Quantity accuracy and response time are shown",
            trigger: ".o_crm_scorecard_accuracy:contains(%) ~ * , .o_crm_scorecard_response:contains( h)",
        },
        {
            content: "Each figure has its period, with the year",
            trigger: ".o_crm_scorecard_on_time .o_crm_scorecard_period:contains(/20)",
        },
    ],
});

const BAD_FILE = (week) =>
    "product,week,sold,stock\n" +
    `TOUR-SELL-1,${week},999,10\n` +
    `NO-SUCH-PART,${week},3,1\n` +
    "TOUR-SELL-2,someday,3,1\n" +
    `TOUR-SELL-2,${week},-4,1\n` +
    `TOUR-SELL-1,${week},5,2\n`;

const GOOD_FILE = (week) =>
    "product;week;sold;stock\n" + `TOUR-SELL-1;${week};12;30\n` + `TOUR-SELL-2;${week};7,5;4\n`;

registry.category("web_tour.tours").add("crm_partner_portal_distributor_upload", {
    steps: () => [
        {
            content: "Choose a file with errors",
            trigger: "input.o_crm_sellout_file",
            run() {
                chooseFile(this.anchor, "bad.csv", BAD_FILE(daysAgo(14)));
            },
        },
        {
            content: "Upload it",
            trigger: "button.o_crm_sellout_upload",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Nothing imported, and each wrong row says why",
            trigger: ".o_crm_sellout_error:contains(nothing was imported)",
        },
        {
            content: "Row 3: unknown product",
            trigger: ".o_crm_sellout_row_error[data-row='3']:contains(Unknown product)",
        },
        {
            content: "Row 4: bad week",
            trigger: ".o_crm_sellout_row_error[data-row='4']:contains(is not a week)",
        },
        {
            content: "Row 5: negative quantity",
            trigger: ".o_crm_sellout_row_error[data-row='5']:contains(cannot be negative)",
        },
        {
            content: "Row 6: duplicate of row 2",
            trigger: ".o_crm_sellout_row_error[data-row='6']:contains(Row 2 already reports)",
        },
        {
            content: "Nothing reported yet",
            trigger: ".o_crm_sellout_none",
        },
        {
            content: "Choose the corrected file",
            trigger: "input.o_crm_sellout_file",
            run() {
                chooseFile(this.anchor, "good.csv", GOOD_FILE(daysAgo(14)));
            },
        },
        {
            content: "Upload it",
            trigger: "button.o_crm_sellout_upload",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Imported",
            trigger: ".o_crm_sellout_imported:contains(2 row(s) imported)",
        },
        {
            content: "and listed",
            trigger: "tr.o_crm_sellout_report_row:contains(TOUR-SELL-2):contains(7.50)",
        },
        {
            content: "The channel forecast",
            trigger: "a.o_crm_distributor_forecast_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "shows the reported products",
            trigger: "tr.o_crm_distributor_forecast_row:contains(TOUR-SELL-1)",
        },
    ],
});
