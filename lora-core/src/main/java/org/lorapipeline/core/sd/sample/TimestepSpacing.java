package org.lorapipeline.core.sd.sample;

/**
 * How diffusers spreads the inference timesteps over the training schedule ({@code timestep_spacing}, from
 * "Common Diffusion Noise Schedules and Sample Steps are Flawed", table 2).
 */
public enum TimestepSpacing {
    /** {@code arange(steps) * (N // steps)}, descending, plus steps_offset (SD 1.5's scheduler config). */
    LEADING,
    /** {@code round(arange(N, 0, -N / steps)) - 1}: starts at the last training step. */
    TRAILING,
    /** {@code linspace(0, N - 1, steps)}, descending, not rounded (Euler's default). */
    LINSPACE;

    /**
     * @param n      num_train_timesteps
     * @param offset steps_offset (LEADING only)
     * @return descending timesteps, fractional for LINSPACE
     */
    public double[] timesteps(int n, int steps, int offset) {
        if (steps < 1 || steps > n) {
            throw new IllegalArgumentException("steps must be in [1, " + n + "], got " + steps);
        }
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            int k = steps - 1 - i; // descending
            t[i] = switch (this) {
                case LEADING -> (double) k * (n / steps) + offset;
                case TRAILING -> Math.rint(n - (double) (steps - 1 - k) * n / steps) - 1;
                case LINSPACE -> steps == 1 ? 0 : (double) k * (n - 1) / (steps - 1);
            };
        }
        return t;
    }
}
