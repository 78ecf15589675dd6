package org.lorapipeline.core.dataset;

import java.util.Random;

/** Customer-service questions and numbered answers for sample text datasets, in English and Chinese. */
final class SupportDialogue {
    record Record(String question, String answer) {
    }

    private static final String[] PRODUCTS = {"wireless earbuds", "coffee grinder", "running shoes",
        "phone case", "desk lamp", "backpack", "smart watch", "blender"};
    private static final String[] PRODUCTS_ZH = {"蓝牙耳机", "咖啡研磨机", "跑步鞋", "手机壳", "台灯", "双肩包"};
    private static final String[][] ISSUES = {
        {"The customer received the wrong %s. What should I do?",
            "Confirm the order number and the shipped item", "Check the warehouse packing record",
            "Ship the correct %s today and send a prepaid return label", "Add a coupon and update the customer"},
        {"A buyer says the %s arrived damaged. How do I handle it?",
            "Ask for photos of the item and the packaging", "Check the courier's delivery scan",
            "Offer a replacement %s or a full refund", "Log the case against the carrier"},
        {"The %s has not arrived after ten days. What do I tell the customer?",
            "Look up the tracking number", "Open a trace with the courier",
            "If it is lost, reship the %s at no cost", "Send the new tracking link"},
        {"Can the customer return the %s after 30 days?",
            "Check the purchase date and the return policy", "Ask whether the %s is unused",
            "Offer store credit if it is outside the window", "Record the exception reason"},
    };
    private static final String[][] ISSUES_ZH = {
        {"用户反馈%s发错货了,怎么办?", "确认订单号与发货记录", "联系仓库核实出库清单", "若属实,立即补发%s并补偿优惠券",
            "更新物流信息通知客户"},
        {"买家说收到的%s有破损,如何处理?", "请求提供照片证据", "核实包装质检记录", "同意退货退款或补发%s",
            "记录供应商质量评分"},
    };

    private SupportDialogue() {
    }

    static Record next(Random random) {
        boolean chinese = random.nextInt(4) == 0;
        String[] products = chinese ? PRODUCTS_ZH : PRODUCTS;
        String[][] issues = chinese ? ISSUES_ZH : ISSUES;
        String product = products[random.nextInt(products.length)];
        String[] issue = issues[random.nextInt(issues.length)];
        StringBuilder answer = new StringBuilder();
        for (int step = 1; step < issue.length; step++) {
            answer.append(step == 1 ? "" : "\n").append(step).append(". ")
                    .append(issue[step].replace("%s", product));
        }
        return new Record(issue[0].replace("%s", product), answer.toString());
    }
}
