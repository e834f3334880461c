package org.panamaipc.reliability;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

public final class Accounting implements TestExecutionListener {
    public Accounting() {}
    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        System.err.println("ACCOUNTING LOADED " + getClass().getModule());
    }
}
