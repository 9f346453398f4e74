// The dock manifest page. The wedge scanner types into the focused input and presses Enter; keep it
// focused. Right after the driver signed (?printed=1) the manifest PDF opens for printing.
const input = document.querySelector(".scan input[name=code]");
if (input) document.addEventListener("click", () => input.focus());
const printNow = document.querySelector("[data-print-now]");
if (printNow) window.open(printNow.dataset.printNow, "_blank");
