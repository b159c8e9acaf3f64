"""The pen-plotter options of `gencraft render --plotter` (and `edition --format plotter-svg`)."""
from __future__ import annotations

import click

PLOT_EXTENSIONS = (".gcode", ".nc", ".gc", ".hpgl", ".plt")


def plotter_options(fn):
    """Options that shape a plot; they take effect with --plotter (or a .gcode/.hpgl output)."""
    opts = [
        click.option("--plotter", is_flag=True,
                     help="Pen-plotter output: layered, optimised SVG in mm (also implied by -o X.gcode / X.hpgl); "
                          "--size is then the page: A3, 297x420mm, 11x17in."),
        click.option("--margin", "plot_margin", type=float, default=10.0, show_default=True, metavar="MM",
                     help="[plotter] Margin around the drawing, mm."),
        click.option("--scale", "plot_scale", type=float, default=None, metavar="MM_PER_PX",
                     help="[plotter] Millimetres per canvas pixel (default: fit the page less its margin)."),
        click.option("--landscape/--portrait", "plot_landscape", default=None,
                     help="[plotter] Turn the page (default: as the drawing is)."),
        click.option("--fill", "plot_fill", type=click.Choice(["hatch", "outline", "none"]), default="hatch",
                     show_default=True,
                     help="[plotter] Filled shapes become hatching + outline, outlines, or nothing."),
        click.option("--hatch", "plot_hatch", type=float, default=0.8, show_default=True, metavar="MM",
                     help="[plotter] Hatch line spacing, mm."),
        click.option("--hatch-angle", "plot_hatch_angle", type=float, default=45.0, show_default=True,
                     metavar="DEG", help="[plotter] Hatch angle, degrees."),
        click.option("--no-occlude", "plot_no_occlude", is_flag=True,
                     help="[plotter] Keep lines hidden behind later opaque fills."),
        click.option("--no-optimise", "plot_no_optimise", is_flag=True,
                     help="[plotter] Keep drawing order (no vpype linemerge/reloop/linesort/linesimplify)."),
        click.option("--tolerance", "plot_tolerance", type=float, default=0.1, show_default=True, metavar="MM",
                     help="[plotter] Gap linemerge closes and deviation linesimplify allows, mm."),
        click.option("--pen", "plot_pen", type=float, default=None, metavar="MM",
                     help="[plotter] Pen width of every layer, mm (default: from the stroke widths)."),
        click.option("--gcode-profile", "plot_gcode_profile", default="gencraft", show_default=True,
                     help="[plotter] vpype-gcode profile for .gcode output."),
        click.option("--gcode-config", "plot_gcode_config", type=click.Path(dir_okay=False), default=None,
                     help="[plotter] A vpype TOML file with your own [gwrite.NAME] profiles."),
        click.option("--hpgl-device", "plot_hpgl_device", default="hp7475a", show_default=True,
                     help="[plotter] vpype plotter device for .hpgl output."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def plot_settings(kw: dict):
    """(PlotterOptions, writer keywords) from the options above (popped from kw)."""
    from gencraft.plotter import PlotterOptions

    options = PlotterOptions(margin_mm=kw.pop("plot_margin"), scale=kw.pop("plot_scale"),
                             landscape=kw.pop("plot_landscape"), fill=kw.pop("plot_fill"),
                             hatch_mm=kw.pop("plot_hatch"), hatch_angle=kw.pop("plot_hatch_angle"),
                             occlude=not kw.pop("plot_no_occlude"), optimise=not kw.pop("plot_no_optimise"),
                             tolerance_mm=kw.pop("plot_tolerance"), pen_mm=kw.pop("plot_pen")).check()
    write = {"gcode_profile": kw.pop("plot_gcode_profile"), "gcode_config": kw.pop("plot_gcode_config"),
             "hpgl_device": kw.pop("plot_hpgl_device")}
    return options, write
