package org.lorapipeline.core.dataset;

/** How much a problem matters: any ERROR rejects the dataset, WARNING and INFO are reported only. */
public enum Severity {
    ERROR, WARNING, INFO
}
