// The pod sets the rows serve: a baseline, and a change that touches one pod and adds one.
import { podsYaml, podYaml } from "../../../test/daemon/event-recorder.js";

export const BEFORE = podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.36"));
export const AFTER = podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.37"), podYaml("web", "nginx:1.28"));
export const BEFORE_FILES = ["clock.yaml", "hello.yaml"];
