// Lester UI: record details fetched when first opened, the record named in the URL opened,
// pipeline stages highlighted on both sides, and fork jobs polled until they finish.
// Fetched HTML is rendered (and escaped) by the server; job data is inserted as text only.
"use strict";

function loadDetails(details) {
  const target = details.querySelector(".lazy");
  if (!details.dataset.src || !target || details.dataset.loaded) return;
  details.dataset.loaded = "1";
  fetch(details.dataset.src, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(r.status + " " + r.statusText))))
    .then((html) => { target.innerHTML = html; })
    .catch((e) => { target.textContent = "could not load: " + e.message; delete details.dataset.loaded; });
}

document.addEventListener("toggle", (event) => {
  const details = event.target;
  if (details.tagName === "DETAILS" && details.open) loadDetails(details);
}, true);

function openTarget() {
  const id = decodeURIComponent(location.hash.slice(1));
  const details = id && document.getElementById(id);
  if (details && details.tagName === "DETAILS") {
    details.open = true;
    details.classList.add("target");
    details.scrollIntoView({ block: "start" });
  }
}
window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", () => {
  openTarget();
  document.querySelectorAll("details[open][data-src]").forEach(loadDetails);
});

document.addEventListener("mouseover", (event) => {
  const line = event.target.closest && event.target.closest("[data-stage]");
  document.querySelectorAll(".code div.hl").forEach((el) => el.classList.remove("hl"));
  if (!line) return;
  document.querySelectorAll('.code div[data-stage="' + line.dataset.stage + '"]')
    .forEach((el) => el.classList.add("hl"));
});

function pollJob(box) {
  fetch(box.dataset.status, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((job) => {
      box.querySelector(".job-status").textContent = job.status;
      box.querySelector(".job-status").className = "job-status badge " + job.status;
      box.querySelector(".progress").textContent = job.progress.join("\n");
      const result = box.querySelector(".job-result");
      if (job.status === "done" || job.status === "error") {
        result.textContent = "";
        const text = document.createElement("span");
        text.textContent = (job.outcome ? job.outcome + ": " : "") + job.message + " ";
        result.appendChild(text);
        if (job.run_id) {
          const link = document.createElement("a");
          link.href = "/runs/" + encodeURIComponent(job.run_id);
          link.className = "job-run";
          link.textContent = "open run " + job.run_id;
          result.appendChild(link);
        }
        return;
      }
      setTimeout(() => pollJob(box), 1000);
    })
    .catch(() => setTimeout(() => pollJob(box), 2000));
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-status]").forEach(pollJob);
});
