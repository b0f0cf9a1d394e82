import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws grouped bar charts into one PNG with headless {@code java.awt}, so the benchmark needs no
 * plotting package. Usage: {@code java Chart.java INPUT.tsv OUTPUT.png TITLE}.
 *
 * <p>Input, tab-separated, one bar per line: {@code panel, unit, category, series, value}. Panels
 * keep their first-seen order and are laid out two per row; each category gets one bar per series
 * in first-seen series order, labelled with its value. A missing or negative value draws no bar
 * and the label "n/a", so a workload that failed on one broker stays visible as a gap.
 */
public final class Chart {
  private static final int PANEL_W = 640;
  private static final int PANEL_H = 380;
  private static final Color[] SERIES_COLORS = {
    new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52)
  };

  private record Bar(String category, String series, double value) {}

  private static final class Panel {
    final String title;
    final String unit;
    final List<Bar> bars = new ArrayList<>();

    Panel(String title, String unit) {
      this.title = title;
      this.unit = unit;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: Chart INPUT.tsv OUTPUT.png TITLE");
      System.exit(2);
    }
    Map<String, Panel> panels = new LinkedHashMap<>();
    List<String> series = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      Panel panel = panels.computeIfAbsent(f[0], name -> new Panel(name, f[1]));
      double value = f[4].equals("n/a") ? -1 : Double.parseDouble(f[4]);
      panel.bars.add(new Bar(f[2], f[3], value));
      if (!series.contains(f[3])) {
        series.add(f[3]);
      }
    }
    int rows = (panels.size() + 1) / 2;
    int width = PANEL_W * 2;
    int height = 60 + rows * PANEL_H;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    g.drawString(args[2], 20, 32);
    drawLegend(g, series, width - 40);
    int index = 0;
    for (Panel panel : panels.values()) {
      drawPanel(g, panel, series, (index % 2) * PANEL_W, 60 + (index / 2) * PANEL_H);
      index++;
    }
    g.dispose();
    ImageIO.write(image, "png", Path.of(args[1]).toFile());
  }

  private static void drawLegend(Graphics2D g, List<String> series, int right) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    FontMetrics metrics = g.getFontMetrics();
    int x = right;
    for (int i = series.size() - 1; i >= 0; i--) {
      x -= metrics.stringWidth(series.get(i)) + 30;
      g.setColor(SERIES_COLORS[i % SERIES_COLORS.length]);
      g.fillRect(x, 20, 16, 16);
      g.setColor(Color.BLACK);
      g.drawString(series.get(i), x + 22, 34);
    }
  }

  private static void drawPanel(Graphics2D g, Panel panel, List<String> series, int x0, int y0) {
    int left = x0 + 70;
    int right = x0 + PANEL_W - 20;
    int top = y0 + 40;
    int bottom = y0 + PANEL_H - 70;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(panel.title + " (" + panel.unit + ")", x0 + 20, y0 + 22);
    List<String> categories = new ArrayList<>();
    double max = 0;
    for (Bar bar : panel.bars) {
      if (!categories.contains(bar.category())) {
        categories.add(bar.category());
      }
      max = Math.max(max, bar.value());
    }
    max = max <= 0 ? 1 : niceCeiling(max);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics metrics = g.getFontMetrics();
    for (int tick = 0; tick <= 4; tick++) {
      double value = max * tick / 4;
      int y = bottom - (int) Math.round((bottom - top) * tick / 4.0);
      g.setColor(new Color(0xE0E0E0));
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      String label = format(value);
      g.drawString(label, left - 8 - metrics.stringWidth(label), y + 4);
    }
    int groupWidth = (right - left) / Math.max(1, categories.size());
    int barWidth =
        Math.min(90, Math.max(6, (int) (groupWidth * 0.8 / Math.max(1, series.size()))));
    for (int c = 0; c < categories.size(); c++) {
      int groupLeft = left + c * groupWidth + (groupWidth - barWidth * series.size()) / 2;
      for (Bar bar : panel.bars) {
        if (!bar.category().equals(categories.get(c))) {
          continue;
        }
        int s = series.indexOf(bar.series());
        int x = groupLeft + s * barWidth;
        String label = bar.value() < 0 ? "n/a" : format(bar.value());
        int h = bar.value() < 0 ? 0 : (int) Math.round((bottom - top) * bar.value() / max);
        g.setColor(SERIES_COLORS[s % SERIES_COLORS.length]);
        g.fillRect(x, bottom - h, barWidth - 2, h);
        g.setColor(Color.BLACK);
        g.drawString(label, x + (barWidth - metrics.stringWidth(label)) / 2, bottom - h - 4);
      }
      drawCategory(g, categories.get(c), left + c * groupWidth + groupWidth / 2, bottom + 16);
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.2f));
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
  }

  /** Category labels may hold "\n"-separated lines ("1 KiB\nacks=1") to stay narrow. */
  private static void drawCategory(Graphics2D g, String text, int centre, int y) {
    FontMetrics metrics = g.getFontMetrics();
    for (String line : text.split("\\\\n")) {
      g.drawString(line, centre - metrics.stringWidth(line) / 2, y);
      y += metrics.getHeight();
    }
  }

  private static double niceCeiling(double value) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String format(double value) {
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return value >= 10
        ? String.format(Locale.ROOT, "%.1f", value)
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
